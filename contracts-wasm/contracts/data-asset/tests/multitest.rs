//! Host tests of data-asset on cw-multi-test, with the native modules
//! stood in by `clearchain_bindings::multitest::ChainModule`. The sealed
//! key is opaque bytes here; sealing and opening are tested in Go
//! (app/contracts_test.go) with golang.org/x/crypto/nacl/box.

use clearchain_bindings::multitest::ChainModule;
use clearchain_bindings::{ClearChainMsg, ClearChainQuery};
use cosmwasm_std::testing::MockStorage;
use cosmwasm_std::{coin, Addr, Binary, Uint128};
use cw_multi_test::{App, AppBuilder, BankKeeper, Contract, ContractWrapper, Executor, MockApiBech32, WasmKeeper};
use data_asset::msg::{AccessResponse, ExecuteMsg, InstantiateMsg, PositionResponse, ProvenanceResponse, QueryMsg};
use data_asset::state::{Dataset, Licence, Terms};

type ChainApp = App<BankKeeper, MockApiBech32, MockStorage, ChainModule, WasmKeeper<ClearChainMsg, ClearChainQuery>>;

const HASH: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

fn contract() -> Box<dyn Contract<ClearChainMsg, ClearChainQuery>> {
    Box::new(
        ContractWrapper::new(data_asset::contract::execute, data_asset::contract::instantiate, data_asset::contract::query)
            .with_migrate(data_asset::contract::migrate),
    )
}

struct Env {
    app: ChainApp,
    da: Addr,
    owner: Addr,
    regulator: Addr,
    alice: Addr,
    bob: Addr,
}

fn setup() -> Env {
    let api = MockApiBech32::new("clear");
    let (owner, regulator, alice, bob) = (api.addr_make("owner"), api.addr_make("regulator"), api.addr_make("alice"), api.addr_make("bob"));
    let funded = [alice.clone(), bob.clone()];
    let mut app = AppBuilder::new_custom().with_api(api).with_custom(ChainModule).build(|router, _, storage| {
        for a in &funded {
            router.bank.init_balance(storage, a, vec![coin(1_000_000, "ucusd")]).unwrap();
        }
    });
    let code = app.store_code(contract());
    let da = app
        .instantiate_contract(code, owner.clone(), &InstantiateMsg { regulator: regulator.to_string() }, &[], "da", None)
        .unwrap();
    app.init_modules(|_, _, s| {
        ChainModule::grant(s, &owner, "ISSUER");
        ChainModule::grant(s, &da, "ISSUER");
    });
    Env { app, da, owner, regulator, alice, bob }
}

fn terms() -> Terms {
    Terms { price: coin(1000, "ucusd"), duration_secs: 3600, usage_terms: "research only, no resale".into() }
}

fn register(e: &mut Env) -> Dataset {
    e.app
        .execute_contract(
            e.owner.clone(),
            e.da.clone(),
            &ExecuteMsg::Register {
                content_hash: HASH.into(),
                metadata_uri: "ipfs://bafy/meta.json".into(),
                schema: "csv: ts,meter_id,kwh".into(),
                total_shares: Uint128::new(100),
                terms: terms(),
            },
            &[],
        )
        .unwrap();
    e.app.wrap().query_wasm_smart(&e.da, &QueryMsg::Dataset { id: 1 }).unwrap()
}

fn bal(e: &Env, who: &Addr, denom: &str) -> u128 {
    e.app.wrap().query_balance(who, denom).unwrap().amount.to_string().parse().unwrap()
}

fn position(e: &Env, who: &Addr) -> PositionResponse {
    e.app.wrap().query_wasm_smart(&e.da, &QueryMsg::Position { dataset_id: 1, address: who.to_string() }).unwrap()
}

#[test]
fn register_mints_shares_to_the_owner() {
    let mut e = setup();
    let ds = register(&mut e);
    assert_eq!(ds.share_denom, format!("asset/{}/ds1", e.da));
    assert_eq!(bal(&e, &e.owner, &ds.share_denom), 100);
    let by_hash: Dataset = e.app.wrap().query_wasm_smart(&e.da, &QueryMsg::DatasetByHash { content_hash: HASH.into() }).unwrap();
    assert_eq!(by_hash.id, 1);
    // The same content cannot be registered twice.
    let err = e
        .app
        .execute_contract(
            e.owner.clone(),
            e.da.clone(),
            &ExecuteMsg::Register { content_hash: HASH.into(), metadata_uri: "u".into(), schema: "s".into(), total_shares: Uint128::new(1), terms: terms() },
            &[],
        )
        .unwrap_err();
    assert!(err.to_string().contains("already registered"), "{err:?}");
}

#[test]
fn an_unlicensed_owner_cannot_register() {
    let mut e = setup();
    let err = e
        .app
        .execute_contract(
            e.alice.clone(),
            e.da.clone(),
            &ExecuteMsg::Register { content_hash: HASH.into(), metadata_uri: "u".into(), schema: "s".into(), total_shares: Uint128::new(1), terms: terms() },
            &[],
        )
        .unwrap_err();
    assert!(err.to_string().contains("not a licensed issuer"), "{err:?}");
}

/// Records a bank move of dataset 1's shares in the stand-in's queue, as
/// x/assets' send restriction does on chain ("" is a module account: the
/// x/exchange escrow).
fn moved(e: &mut Env, denom: &str, from: &str, to: &str, amount: u128) {
    let da = e.da.clone();
    e.app.init_modules(|_, _, s| ChainModule::record_move(s, &da, denom, from, to, amount));
}

#[test]
fn licence_revenue_goes_to_every_holder_and_the_key_is_delivered() {
    let mut e = setup();
    let ds = register(&mut e);
    let (owner, alice, bob, da) = (e.owner.to_string(), e.alice.to_string(), e.bob.to_string(), e.da.to_string());
    // The owner keeps 60 shares; alice gets 40 through the contract (on
    // chain x/assets queues both legs of the move).
    e.app
        .execute_contract(e.owner.clone(), e.da.clone(), &ExecuteMsg::TransferShares { recipient: e.alice.to_string() }, &[coin(40, &ds.share_denom)])
        .unwrap();
    moved(&mut e, &ds.share_denom, &owner, &da, 40);
    moved(&mut e, &ds.share_denom, &da, &alice, 40);

    // Bob buys a licence with his X25519 key.
    let pk = Binary::from([9u8; 32]);
    let buy = ExecuteMsg::BuyLicence { dataset_id: 1, buyer_pubkey: pk.clone() };
    let err = e.app.execute_contract(e.bob.clone(), e.da.clone(), &buy, &[coin(999, "ucusd")]).unwrap_err();
    assert!(err.to_string().contains("pay exactly"), "{err:?}");
    e.app.execute_contract(e.bob.clone(), e.da.clone(), &buy, &[coin(1000, "ucusd")]).unwrap();
    let err = e.app.execute_contract(e.bob.clone(), e.da.clone(), &buy, &[coin(1000, "ucusd")]).unwrap_err();
    assert!(err.to_string().contains("already holds an active licence"), "{err:?}");
    let acc: AccessResponse = e.app.wrap().query_wasm_smart(&e.da, &QueryMsg::Access { dataset_id: 1, address: e.bob.to_string() }).unwrap();
    assert!(acc.has_access);

    // Only the owner delivers; the envelope and its hash are kept.
    let sealed = Binary::from(vec![7u8; 80]);
    let deliver = ExecuteMsg::DeliverKey { dataset_id: 1, buyer: e.bob.to_string(), sealed_key: sealed.clone() };
    let err = e.app.execute_contract(e.alice.clone(), e.da.clone(), &deliver, &[]).unwrap_err();
    assert!(err.to_string().contains("only the owner"), "{err:?}");
    e.app.execute_contract(e.owner.clone(), e.da.clone(), &deliver, &[]).unwrap();
    let lic: Licence = e.app.wrap().query_wasm_smart(&e.da, &QueryMsg::Licence { dataset_id: 1, buyer: e.bob.to_string() }).unwrap();
    let env = lic.envelope.unwrap();
    assert_eq!(env.sealed_key, sealed);
    assert_eq!(env.hash.len(), 64);

    // 1000 paid: 600 to the owner's shares, 400 to alice's.
    assert_eq!(position(&e, &e.owner).shares, Uint128::new(60));
    assert_eq!(position(&e, &e.owner).claimable, Uint128::new(600));
    assert_eq!(position(&e, &e.alice).claimable, Uint128::new(400));
    e.app.execute_contract(e.alice.clone(), e.da.clone(), &ExecuteMsg::Claim { dataset_id: 1 }, &[]).unwrap();
    assert_eq!(bal(&e, &e.alice, "ucusd"), 1_000_400);
    let err = e.app.execute_contract(e.alice.clone(), e.da.clone(), &ExecuteMsg::Claim { dataset_id: 1 }, &[]).unwrap_err();
    assert!(err.to_string().contains("nothing to claim"), "{err:?}");

    // Alice deposits her 40 on the exchange (escrow: they earn nothing
    // there); a licence paid meanwhile goes to the owner alone.
    moved(&mut e, &ds.share_denom, &alice, "", 40);
    e.app.update_block(|b| b.time = b.time.plus_seconds(3600));
    e.app.execute_contract(e.bob.clone(), e.da.clone(), &buy, &[coin(1000, "ucusd")]).unwrap();
    // 600 + 1000 × 60/60 rounded down (the index keeps the remainder).
    assert_eq!(position(&e, &e.owner).claimable, Uint128::new(1599));
    assert_eq!(position(&e, &e.alice).claimable, Uint128::zero());
    // Bob buys them on the exchange and withdraws them: the next licence
    // pays him his 40%.
    moved(&mut e, &ds.share_denom, "", &bob, 40);
    e.app.update_block(|b| b.time = b.time.plus_seconds(3600));
    e.app.execute_contract(e.bob.clone(), e.da.clone(), &buy, &[coin(1000, "ucusd")]).unwrap();
    assert_eq!(position(&e, &e.bob).claimable, Uint128::new(400));
    assert_eq!(position(&e, &e.owner).claimable, Uint128::new(2199));

    let prov: ProvenanceResponse = e.app.wrap().query_wasm_smart(&e.da, &QueryMsg::Provenance { dataset_id: 1, start_after: None, limit: None }).unwrap();
    let kinds: Vec<_> = prov.entries.iter().map(|p| p.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "registered", "shares_minted", "shares_transferred", "shares_moved", "shares_moved", "shares_moved", "licence_bought",
            "key_delivered", "revenue_claimed", "shares_moved", "licence_bought", "shares_moved", "licence_bought"
        ]
    );
    assert_eq!(prov.entries[11].detail, format!("from=module to={bob} amount=40 move=5"));
}

/// The attack: tiny share sends (each queued as a move) ahead of a licence
/// purchase. Before, buy_licence refused while more than a page of moves
/// was pending ("call sync_moves first"), so spam made purchases fail or
/// wait. Now the purchase always goes through; its revenue waits in the
/// contract for the moves made before it, and is shared by the holdings
/// after exactly those moves — the spam changes nobody's share.
#[test]
fn share_send_spam_cannot_make_a_licence_purchase_fail_or_wait() {
    let mut e = setup();
    let ds = register(&mut e);
    let (owner, alice, bob) = (e.owner.to_string(), e.alice.to_string(), e.bob.to_string());
    // 450 moves of one share back and forth (4.5 pages), then 40 to alice.
    for i in 0..450 {
        if i % 2 == 0 {
            moved(&mut e, &ds.share_denom, &owner, &alice, 1);
        } else {
            moved(&mut e, &ds.share_denom, &alice, &owner, 1);
        }
    }
    moved(&mut e, &ds.share_denom, &owner, &alice, 40);
    let buy = ExecuteMsg::BuyLicence { dataset_id: 1, buyer_pubkey: Binary::from([9u8; 32]) };
    e.app.execute_contract(e.bob.clone(), e.da.clone(), &buy, &[coin(1000, "ucusd")]).unwrap();
    let access: AccessResponse = e
        .app
        .wrap()
        .query_wasm_smart(&e.da, &QueryMsg::Access { dataset_id: 1, address: bob.clone() })
        .unwrap();
    assert!(access.has_access, "the purchase took effect at once");
    // After the purchase alice sends her 40 to bob: bought after the
    // payment, they earn nothing of it.
    moved(&mut e, &ds.share_denom, &alice, &bob, 40);
    // A second buyer, also before the backlog is synced.
    let carol = e.app.api().addr_make("carol");
    e.app
        .sudo(cw_multi_test::SudoMsg::Bank(cw_multi_test::BankSudo::Mint {
            to_address: carol.to_string(),
            amount: vec![coin(1000, "ucusd")],
        }))
        .unwrap();
    e.app.execute_contract(carol.clone(), e.da.clone(), &buy, &[coin(1000, "ucusd")]).unwrap();
    // Anyone syncs, page by page.
    for _ in 0..10 {
        e.app.execute_contract(e.bob.clone(), e.da.clone(), &ExecuteMsg::SyncMoves {}, &[]).unwrap();
    }
    let cursor: u64 = e.app.wrap().query_wasm_smart(&e.da, &QueryMsg::MoveCursor {}).unwrap();
    assert_eq!(cursor, 453);
    // bob's payment was made while owner held 60 and alice 40; carol's
    // after alice's 40 went to bob.
    assert_eq!(position(&e, &e.owner).claimable, Uint128::new(1200));
    assert_eq!(position(&e, &e.alice).claimable, Uint128::new(400));
    assert_eq!(position(&e, &e.bob).claimable, Uint128::new(400));
    assert_eq!(position(&e, &e.bob).shares, Uint128::new(40));
}

/// The same purchase without a backlog pays at once, and revenue paid
/// while moves are pending is never lost nor paid twice (property: any
/// interleaving of moves, purchases and syncs shares every payment by the
/// holdings at the time it was made).
#[test]
fn revenue_follows_the_holdings_at_each_payment() {
    let mut e = setup();
    let ds = register(&mut e);
    let (owner, alice) = (e.owner.to_string(), e.alice.to_string());
    let buy = ExecuteMsg::BuyLicence { dataset_id: 1, buyer_pubkey: Binary::from([9u8; 32]) };
    // Pay at once: owner holds all.
    e.app.execute_contract(e.bob.clone(), e.da.clone(), &buy, &[coin(1000, "ucusd")]).unwrap();
    assert_eq!(position(&e, &e.owner).claimable, Uint128::new(1000));
    // 250 spam moves, then 50 to alice, then a purchase; then alice sends
    // them back, and another purchase — all before any sync.
    for i in 0..250 {
        let (f, t) = if i % 2 == 0 { (&owner, &alice) } else { (&alice, &owner) };
        moved(&mut e, &ds.share_denom, f, t, 1);
    }
    moved(&mut e, &ds.share_denom, &owner, &alice, 50);
    let carol = e.app.api().addr_make("carol");
    e.app
        .sudo(cw_multi_test::SudoMsg::Bank(cw_multi_test::BankSudo::Mint {
            to_address: carol.to_string(),
            amount: vec![coin(2000, "ucusd")],
        }))
        .unwrap();
    e.app.execute_contract(carol.clone(), e.da.clone(), &buy, &[coin(1000, "ucusd")]).unwrap();
    moved(&mut e, &ds.share_denom, &alice, &owner, 50);
    let dave = e.app.api().addr_make("dave");
    e.app
        .sudo(cw_multi_test::SudoMsg::Bank(cw_multi_test::BankSudo::Mint {
            to_address: dave.to_string(),
            amount: vec![coin(1000, "ucusd")],
        }))
        .unwrap();
    e.app.execute_contract(dave, e.da.clone(), &buy, &[coin(1000, "ucusd")]).unwrap();
    for _ in 0..5 {
        e.app.execute_contract(e.bob.clone(), e.da.clone(), &ExecuteMsg::SyncMoves {}, &[]).unwrap();
    }
    // 1000 (all owner) + 1000 (50/50) + 1000 (all owner).
    assert_eq!(position(&e, &e.owner).claimable, Uint128::new(2500));
    assert_eq!(position(&e, &e.alice).claimable, Uint128::new(500));
}

#[test]
fn the_owner_or_the_regulator_revokes_and_nobody_else() {
    let mut e = setup();
    register(&mut e);
    let pk = Binary::from([1u8; 32]);
    e.app.execute_contract(e.bob.clone(), e.da.clone(), &ExecuteMsg::BuyLicence { dataset_id: 1, buyer_pubkey: pk }, &[coin(1000, "ucusd")]).unwrap();
    let revoke = ExecuteMsg::RevokeLicence { dataset_id: 1, buyer: e.bob.to_string(), reason: "breach of terms".into() };
    let err = e.app.execute_contract(e.alice.clone(), e.da.clone(), &revoke, &[]).unwrap_err();
    assert!(err.to_string().contains("owner or the regulator"), "{err:?}");
    e.app.execute_contract(e.regulator.clone(), e.da.clone(), &revoke, &[]).unwrap();
    let acc: AccessResponse = e.app.wrap().query_wasm_smart(&e.da, &QueryMsg::Access { dataset_id: 1, address: e.bob.to_string() }).unwrap();
    assert!(!acc.has_access);
    assert_eq!(acc.reason, "revoked");
    // A revoked licence gets no key.
    let err = e
        .app
        .execute_contract(e.owner.clone(), e.da.clone(), &ExecuteMsg::DeliverKey { dataset_id: 1, buyer: e.bob.to_string(), sealed_key: Binary::from(vec![1u8; 80]) }, &[])
        .unwrap_err();
    assert!(err.to_string().contains("not active"), "{err:?}");
    // The owner revokes the dataset: no more sales.
    e.app.execute_contract(e.owner.clone(), e.da.clone(), &ExecuteMsg::RevokeDataset { dataset_id: 1, reason: "withdrawn".into() }, &[]).unwrap();
    let err = e
        .app
        .execute_contract(e.alice.clone(), e.da.clone(), &ExecuteMsg::BuyLicence { dataset_id: 1, buyer_pubkey: Binary::from([2u8; 32]) }, &[coin(1000, "ucusd")])
        .unwrap_err();
    assert!(err.to_string().contains("revoked"), "{err:?}");
}

#[test]
fn a_licence_expires() {
    let mut e = setup();
    register(&mut e);
    e.app.execute_contract(e.bob.clone(), e.da.clone(), &ExecuteMsg::BuyLicence { dataset_id: 1, buyer_pubkey: Binary::from([1u8; 32]) }, &[coin(1000, "ucusd")]).unwrap();
    e.app.update_block(|b| b.time = b.time.plus_seconds(3600));
    let acc: AccessResponse = e.app.wrap().query_wasm_smart(&e.da, &QueryMsg::Access { dataset_id: 1, address: e.bob.to_string() }).unwrap();
    assert!(!acc.has_access);
    assert!(acc.reason.starts_with("expired"), "{}", acc.reason);
    // It can be bought again.
    e.app.execute_contract(e.bob.clone(), e.da.clone(), &ExecuteMsg::BuyLicence { dataset_id: 1, buyer_pubkey: Binary::from([1u8; 32]) }, &[coin(1000, "ucusd")]).unwrap();
}

#[test]
fn malformed_input_is_refused() {
    let mut e = setup();
    let bad_hash = ExecuteMsg::Register { content_hash: "XYZ".into(), metadata_uri: "u".into(), schema: "s".into(), total_shares: Uint128::new(1), terms: terms() };
    let err = e.app.execute_contract(e.owner.clone(), e.da.clone(), &bad_hash, &[]).unwrap_err();
    assert!(err.to_string().contains("content_hash is invalid"), "{err:?}");
    register(&mut e);
    let err = e
        .app
        .execute_contract(e.bob.clone(), e.da.clone(), &ExecuteMsg::BuyLicence { dataset_id: 1, buyer_pubkey: Binary::from([1u8; 31]) }, &[coin(1000, "ucusd")])
        .unwrap_err();
    assert!(err.to_string().contains("32 bytes"), "{err:?}");
    let err = e
        .app
        .execute_contract(e.bob.clone(), e.da.clone(), &ExecuteMsg::BuyLicence { dataset_id: 9, buyer_pubkey: Binary::from([1u8; 32]) }, &[coin(1000, "ucusd")])
        .unwrap_err();
    assert!(err.to_string().contains("dataset 9 not found"), "{err:?}");
}

fn share_market(e: &mut Env, denom: &str, maker_fee_bps: i32) {
    let m = clearchain_bindings::MarketInfoResponse {
        market_id: 1,
        base_denom: denom.to_string(),
        quote_denom: "ucusd".into(),
        tick_size: Uint128::new(2),
        lot_size: Uint128::new(1),
        status: "MARKET_STATUS_ACTIVE".into(),
        maker_fee_bps,
    };
    e.app.init_modules(|_, _, s| ChainModule::add_market(s, m));
}

fn offer(e: &mut Env, denom: &str, cid: &str, lots: u64) -> cosmwasm_std::StdResult<cw_multi_test::AppResponse> {
    let msg = ExecuteMsg::OfferShares {
        market_id: 1,
        price: cosmwasm_std::Uint64::new(50),
        quantity: cosmwasm_std::Uint64::new(lots),
        client_order_id: cid.into(),
    };
    e.app.execute_contract(e.owner.clone(), e.da.clone(), &msg, &[coin(u128::from(lots), denom)])
}

/// A buyer fills part of the offer: the quote is minted to the escrow (the
/// buyer's deposit) and credited to the contract's exchange balance.
fn fill(e: &mut Env, cid: &str, lots: u64) {
    let da = e.da.clone();
    let net = e.app.init_modules(|_, _, s| ChainModule::fill(s, &da, cid, lots));
    e.app
        .sudo(cw_multi_test::SudoMsg::Bank(cw_multi_test::BankSudo::Mint {
            to_address: clearchain_bindings::multitest::escrow(e.app.api()).to_string(),
            amount: vec![coin(net, "ucusd")],
        }))
        .unwrap();
}

fn settle(e: &mut Env, who: &Addr, cid: &str) -> cosmwasm_std::StdResult<cw_multi_test::AppResponse> {
    let msg = ExecuteMsg::SettleOffer { market_id: 1, client_order_id: cid.into() };
    e.app.execute_contract(who.clone(), e.da.clone(), &msg, &[])
}

#[test]
fn offer_proceeds_reach_the_seller_exactly_once() {
    let mut e = setup();
    let ds = register(&mut e);
    share_market(&mut e, &ds.share_denom, 0);
    let (owner, bob) = (e.owner.clone(), e.bob.clone());
    offer(&mut e, &ds.share_denom, "offer-1", 30).unwrap();
    assert_eq!(bal(&e, &owner, &ds.share_denom), 70);
    // A second offer of another 10 shares shares the contract's exchange
    // balance: neither may be paid from the other's proceeds.
    offer(&mut e, &ds.share_denom, "offer-2", 10).unwrap();
    assert_eq!(bal(&e, &owner, &ds.share_denom), 60);
    let before = bal(&e, &owner, "ucusd");

    // Nothing filled yet: nothing to settle, nothing moves.
    let err = settle(&mut e, &bob, "offer-1").unwrap_err();
    assert!(err.to_string().contains("nothing to settle"), "{err:?}");

    fill(&mut e, "offer-1", 20); // 20 lots × 50 ticks × 2 = 2000
    fill(&mut e, "offer-2", 5); // 500
    // Anyone may settle; the proceeds go to the seller.
    settle(&mut e, &bob, "offer-1").unwrap();
    assert_eq!(bal(&e, &owner, "ucusd"), before + 2000);
    assert_eq!(bal(&e, &bob, "ucusd"), 1_000_000);
    // A second settle finds nothing new: no double payment.
    let err = settle(&mut e, &bob, "offer-1").unwrap_err();
    assert!(err.to_string().contains("nothing to settle"), "{err:?}");
    assert_eq!(bal(&e, &owner, "ucusd"), before + 2000);
    // The other offer's proceeds are still in the exchange for it.
    assert_eq!(ChainModule::exchange_balance(e.app.storage(), &e.da, "ucusd"), 500);

    // The seller cancels the rest; the settle after the cancel returns the
    // 10 unfilled shares and closes the offer.
    e.app
        .execute_contract(owner.clone(), e.da.clone(), &ExecuteMsg::CancelOffer { market_id: 1, client_order_id: "offer-1".into() }, &[])
        .unwrap();
    settle(&mut e, &bob, "offer-1").unwrap();
    assert_eq!(bal(&e, &owner, &ds.share_denom), 70);
    assert_eq!(bal(&e, &owner, "ucusd"), before + 2000);
    let o: data_asset::state::Offer = e
        .app
        .wrap()
        .query_wasm_smart(&e.da, &QueryMsg::Offer { market_id: 1, client_order_id: "offer-1".into() })
        .unwrap();
    assert!(o.closed);
    assert_eq!(o.settled_lots.u64(), 20);
    assert_eq!(o.proceeds, Uint128::new(2000));
    let err = settle(&mut e, &bob, "offer-1").unwrap_err();
    assert!(err.to_string().contains("closed"), "{err:?}");

    // offer-2 fills completely and settles in one go: 1000 in all.
    fill(&mut e, "offer-2", 5);
    settle(&mut e, &owner, "offer-2").unwrap();
    assert_eq!(bal(&e, &owner, "ucusd"), before + 3000);
    assert_eq!(ChainModule::exchange_balance(e.app.storage(), &e.da, "ucusd"), 0);
    assert_eq!(ChainModule::exchange_balance(e.app.storage(), &e.da, &ds.share_denom), 0);
    let prov: ProvenanceResponse = e
        .app
        .wrap()
        .query_wasm_smart(&e.da, &QueryMsg::Provenance { dataset_id: 1, start_after: None, limit: Some(100) })
        .unwrap();
    assert_eq!(prov.entries.iter().filter(|p| p.kind == "offer_settled").count(), 3);
}

#[test]
fn an_offer_on_a_fee_market_pays_exactly_what_the_contract_received() {
    let mut e = setup();
    let ds = register(&mut e);
    // A positive maker fee is charged per fill, rounded up: 7 lots × 50 × 2
    // = 700 pays 1, 13 lots = 1300 pays 1 (on 20 lots at once it would be
    // 1 too, not 2). The seller gets what the exchange credited: 1998.
    share_market(&mut e, &ds.share_denom, 5);
    let (owner, bob) = (e.owner.clone(), e.bob.clone());
    offer(&mut e, &ds.share_denom, "offer-1", 30).unwrap();
    let before = bal(&e, &owner, "ucusd");
    fill(&mut e, "offer-1", 7);
    settle(&mut e, &bob, "offer-1").unwrap();
    assert_eq!(bal(&e, &owner, "ucusd"), before + 699);
    assert_eq!(ChainModule::exchange_balance(e.app.storage(), &e.da, "ucusd"), 0);
    let err = settle(&mut e, &bob, "offer-1").unwrap_err();
    assert!(err.to_string().contains("nothing to settle"), "{err:?}");
    fill(&mut e, "offer-1", 13);
    e.app
        .execute_contract(owner.clone(), e.da.clone(), &ExecuteMsg::CancelOffer { market_id: 1, client_order_id: "offer-1".into() }, &[])
        .unwrap();
    settle(&mut e, &bob, "offer-1").unwrap();
    assert_eq!(bal(&e, &owner, "ucusd"), before + 1998, "exactly what the contract received");
    assert_eq!(bal(&e, &owner, &ds.share_denom), 80, "the unsold 10 come back");
    assert_eq!(ChainModule::exchange_balance(e.app.storage(), &e.da, "ucusd"), 0, "no dust left owed");
    let err = settle(&mut e, &bob, "offer-1").unwrap_err();
    assert!(err.to_string().contains("closed"), "{err:?}");
    assert_eq!(bal(&e, &owner, "ucusd"), before + 1998);
}

#[test]
fn a_client_order_id_is_used_on_one_market_only() {
    let mut e = setup();
    let ds = register(&mut e);
    // The same client order id on two markets would make the status
    // ambiguous (x/exchange names it by owner and client id only).
    share_market(&mut e, &ds.share_denom, 0);
    offer(&mut e, &ds.share_denom, "offer-1", 30).unwrap();
    let m2 = clearchain_bindings::MarketInfoResponse {
        market_id: 2,
        base_denom: ds.share_denom.clone(),
        quote_denom: "ucusd".into(),
        tick_size: Uint128::new(1),
        lot_size: Uint128::new(1),
        status: "MARKET_STATUS_ACTIVE".into(),
        maker_fee_bps: 0,
    };
    e.app.init_modules(|_, _, s| ChainModule::add_market(s, m2));
    let msg = ExecuteMsg::OfferShares {
        market_id: 2,
        price: cosmwasm_std::Uint64::new(50),
        quantity: cosmwasm_std::Uint64::new(5),
        client_order_id: "offer-1".into(),
    };
    let err = e.app.execute_contract(e.owner.clone(), e.da.clone(), &msg, &[coin(5, &ds.share_denom)]).unwrap_err();
    assert!(err.to_string().contains("is used on market 1"), "{err}");
}

#[test]
fn settle_after_the_status_window_still_pays_once() {
    let mut e = setup();
    let ds = register(&mut e);
    share_market(&mut e, &ds.share_denom, 0);
    offer(&mut e, &ds.share_denom, "offer-1", 30).unwrap();
    fill(&mut e, "offer-1", 30);
    // The exchange forgets finished statuses after its window, but keeps the
    // record of a tracked order until the contract acknowledges it.
    e.app.init_modules(|_, _, s| ChainModule::prune_statuses(s));
    let before = bal(&e, &e.owner, "ucusd");
    let bob = e.bob.clone();
    settle(&mut e, &bob, "offer-1").unwrap();
    assert_eq!(bal(&e, &e.owner, "ucusd"), before + 3000);
    assert_eq!(ChainModule::exchange_balance(e.app.storage(), &e.da, "ucusd"), 0);
    // The settle acknowledged the record; the offer is closed.
    let st: clearchain_bindings::OrderStatusResponse = e
        .app
        .wrap()
        .query(&cosmwasm_std::QueryRequest::Custom(clearchain_bindings::ClearChainQuery::OrderStatus {
            owner: e.da.to_string(),
            client_order_id: "offer-1".into(),
        }))
        .unwrap();
    assert!(!st.found, "{st:?}");
    let err = settle(&mut e, &bob, "offer-1").unwrap_err();
    assert!(err.to_string().contains("closed"), "{err:?}");
    assert_eq!(bal(&e, &e.owner, "ucusd"), before + 3000);
}
