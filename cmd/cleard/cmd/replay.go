package cmd

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtcfg "github.com/cometbft/cometbft/config"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	sm "github.com/cometbft/cometbft/state"
	"github.com/cometbft/cometbft/store"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/spf13/cobra"
	"github.com/spf13/viper"

	"cosmossdk.io/log/v2"

	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/server"

	"github.com/clearchain/clearchain/app"
	"github.com/clearchain/clearchain/simulation"
)

// replayBlockCmd is `cleard replay-block HEIGHT`: re-execute committed
// blocks on a copy of the node's data and compare with what was committed.
func replayBlockCmd() *cobra.Command {
	var to int64
	var keep bool
	cmd := &cobra.Command{
		Use:   "replay-block HEIGHT",
		Short: "Re-execute a committed block from its inputs and compare its fills with the committed events",
		Long: `Re-execute the matching of a committed block for audit: the app is opened on the
state of height HEIGHT-1 (the book before the block and the commands carried over
into it) and runs the block's own transactions (the queued commands, and the
proposer's injected oracle votes) through FinalizeBlock with the block's header.
The result is compared with the FinalizeBlock response the node stored: every
fill attribute by attribute, then every tx result and block event, then the app
hash. It prints "equal" or exactly where they differ, and exits non-zero on a
difference.

It works on a copy of the node's data (application.db, blockstore.db, state.db,
wasm/) in a temporary directory, never on the node's own files; stop the node
first (a copy taken while it writes may be torn). The state of HEIGHT-1 must
not be pruned, and the node must keep its ABCI responses (config.toml
[storage] discard_abci_responses = false, the default).

--to H2 replays HEIGHT..H2 in order, committing each re-executed block on the
copy.`,
		Example: `  cleard replay-block 42 --home ~/.clearchain
  cleard replay-block 2 --to 120 --home ~/.clearchain`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			from, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil || from < 2 {
				return fmt.Errorf("replay-block: HEIGHT must be a number >= 2 (the state before it is needed), got %q", args[0])
			}
			if to == 0 {
				to = from
			}
			if to < from {
				return fmt.Errorf("replay-block: --to %d is below HEIGHT %d", to, from)
			}
			sctx := server.GetServerContextFromCmd(cmd)
			home := sctx.Config.RootDir
			out := cmd.OutOrStdout()
			tmp, err := os.MkdirTemp("", "clearchain-replay-*")
			if err != nil {
				return err
			}
			if keep {
				fmt.Fprintf(cmd.ErrOrStderr(), "copy kept in %s\n", tmp)
			} else {
				defer os.RemoveAll(tmp)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "copying %s/data and wasm/ to %s ...\n", home, tmp)
			for _, d := range []string{"data/application.db", "data/blockstore.db", "data/state.db", "wasm"} {
				if err := copyTree(filepath.Join(home, d), filepath.Join(tmp, d)); err != nil {
					return fmt.Errorf("replay-block: copying %s: %w", d, err)
				}
			}
			cfg := *sctx.Config
			cfg.SetRoot(tmp)
			bsDB, err := cmtcfg.DefaultDBProvider(&cmtcfg.DBContext{ID: "blockstore", Config: &cfg})
			if err != nil {
				return fmt.Errorf("replay-block: block store: %w", err)
			}
			defer bsDB.Close()
			stDB, err := cmtcfg.DefaultDBProvider(&cmtcfg.DBContext{ID: "state", Config: &cfg})
			if err != nil {
				return fmt.Errorf("replay-block: state store: %w", err)
			}
			defer stDB.Close()
			blocks := store.NewBlockStore(bsDB)
			states := sm.NewStore(stDB, sm.StoreOptions{})
			if from <= blocks.Base() || to > blocks.Height() {
				return fmt.Errorf("replay-block: the block store holds heights %d..%d; replaying %d..%d needs %d..%d",
					blocks.Base(), blocks.Height(), from, to, from-1, to)
			}
			first := blocks.LoadBlock(from)
			if first == nil {
				return fmt.Errorf("replay-block: block %d not found", from)
			}

			appDB, err := dbm.NewDB("application", server.GetAppDBBackend(sctx.Viper), filepath.Join(tmp, "data"))
			if err != nil {
				return fmt.Errorf("replay-block: application db: %w", err)
			}
			opts := viper.New()
			for _, k := range sctx.Viper.AllKeys() {
				opts.Set(k, sctx.Viper.Get(k))
			}
			opts.Set(flags.FlagHome, tmp)
			opts.Set(app.FlagOracleFeederAddress, "") // ExtendVote is not replayed
			a, err := app.New(log.NewNopLogger(), appDB, false, opts, nil, baseapp.SetChainID(first.ChainID))
			if err != nil {
				return fmt.Errorf("replay-block: building the app: %w", err)
			}
			defer a.Close()
			if err := a.LoadVersion(from - 1); err != nil {
				return fmt.Errorf("replay-block: loading the state of height %d (pruned?): %w", from-1, err)
			}
			differ := 0
			for h := from; h <= to; h++ {
				blk := blocks.LoadBlock(h)
				if blk == nil {
					return fmt.Errorf("replay-block: block %d not found", h)
				}
				committed, err := states.LoadFinalizeBlockResponse(h)
				if err != nil {
					return fmt.Errorf("replay-block: the committed response of block %d: %w (discard_abci_responses?)", h, err)
				}
				req := &abci.RequestFinalizeBlock{Txs: blk.Txs.ToSliceOfBytes(), Hash: blk.Hash(), Height: h, Time: blk.Time,
					NextValidatorsHash: blk.NextValidatorsHash, ProposerAddress: blk.ProposerAddress}
				if blk.LastCommit != nil && h > 1 {
					vals, err := states.LoadValidators(h - 1)
					if err != nil {
						return fmt.Errorf("replay-block: validators of height %d: %w", h-1, err)
					}
					req.DecidedLastCommit = abci.CommitInfo{Round: blk.LastCommit.Round}
					for i, sig := range blk.LastCommit.Signatures {
						if i >= len(vals.Validators) {
							break
						}
						v := vals.Validators[i]
						req.DecidedLastCommit.Votes = append(req.DecidedLastCommit.Votes, abci.VoteInfo{
							Validator: abci.Validator{Address: v.Address, Power: v.VotingPower}, BlockIdFlag: cmtproto.BlockIDFlag(sig.BlockIDFlag)})
					}
				}
				for _, ev := range blk.Evidence.Evidence {
					req.Misbehavior = append(req.Misbehavior, ev.ABCI()...)
				}
				replayed, err := a.FinalizeBlock(req)
				if err != nil {
					return fmt.Errorf("replay-block: re-executing block %d: %w", h, err)
				}
				rep := simulation.CompareFinalize(h, committed, replayed)
				printReplay(out, rep, len(blk.Txs))
				if !rep.Equal() {
					differ++
				}
				if _, err := a.Commit(); err != nil {
					return fmt.Errorf("replay-block: committing block %d on the copy: %w", h, err)
				}
			}
			if differ > 0 {
				return fmt.Errorf("replay-block: %d of %d blocks differ from what was committed", differ, to-from+1)
			}
			fmt.Fprintf(out, "replayed %d block(s) %d..%d: fills, events and app hashes equal the committed ones\n", to-from+1, from, to)
			return nil
		},
	}
	cmd.Flags().Int64Var(&to, "to", 0, "replay up to this height (default: HEIGHT only)")
	cmd.Flags().BoolVar(&keep, "keep-copy", false, "keep the temporary copy of the data")
	cmd.Flags().String(flags.FlagHome, app.DefaultNodeHome, "the node's home directory")
	return cmd
}

func printReplay(w io.Writer, r simulation.ReplayReport, txs int) {
	status := "equal"
	if !r.Equal() {
		status = fmt.Sprintf("DIFFERENT (%d differences)", len(r.Diffs))
	}
	fmt.Fprintf(w, "block %d: %d txs, fills committed %d, re-executed %d; %d events; app hash %s: %s\n",
		r.Height, txs, r.CommittedFills, r.ReplayedFills, r.Events, r.AppHash, status)
	for i, d := range r.Diffs {
		if i == 50 {
			fmt.Fprintf(w, "  ... %d more\n", len(r.Diffs)-50)
			break
		}
		fmt.Fprintf(w, "  - %s\n", d)
	}
}

// copyTree copies a directory (or file) tree; a missing source is skipped.
func copyTree(src, dst string) error {
	if _, err := os.Stat(src); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if d.Name() == "LOCK" {
			return nil
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		o, err := os.Create(target)
		if err != nil {
			return err
		}
		if _, err := io.Copy(o, in); err != nil {
			o.Close()
			return err
		}
		return o.Close()
	})
}
