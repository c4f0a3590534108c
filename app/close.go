package app

import (
	"errors"
	"sync"
)

// closeOnce makes Close idempotent.
type closeOnce struct {
	once sync.Once
	err  error
}

// Close closes the app's databases and its feeder connection once. The SDK
// v0.54 server closes the app twice on a clean stop, and Pebble panics on a
// second close.
func (app *ClearApp) Close() error {
	app.closer.once.Do(func() {
		var errs []error
		if app.feederClient != nil {
			errs = append(errs, app.feederClient.Close())
		}
		errs = append(errs, app.BaseApp.Close())
		if app.stream != nil && app.stream.hub != nil {
			app.stream.hub.Stop() // ends subscriptions, closes the replay store
		}
		app.closer.err = errors.Join(errs...)
	})
	return app.closer.err
}
