package app

import "sync"

// closeOnce makes Close idempotent.
type closeOnce struct {
	once sync.Once
	err  error
}

// Close closes the app's databases once. The SDK v0.54 server closes the
// app twice on a clean stop, and Pebble panics on a second close.
func (app *ClearApp) Close() error {
	app.closer.once.Do(func() { app.closer.err = app.BaseApp.Close() })
	return app.closer.err
}
