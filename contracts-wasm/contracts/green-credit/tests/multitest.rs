//! Host tests of green-credit on cw-multi-test, with the native modules
//! stood in by `clearchain_bindings::multitest::ChainModule`.

use clearchain_bindings::multitest::ChainModule;
use clearchain_bindings::{ClearChainMsg, ClearChainQuery};
use cosmwasm_std::{coin, Addr, Uint64};
use cw_multi_test::{App, AppBuilder, BankKeeper, Contract, ContractWrapper, Executor, WasmKeeper, MockApiBech32};
use green_credit::msg::{ExecuteMsg, InstantiateMsg, QueryMsg, SerialResponse};
use green_credit::state::{Batch, Certificate};

type ChainApp = App<BankKeeper, MockApiBech32, cosmwasm_std::testing::MockStorage, ChainModule, WasmKeeper<ClearChainMsg, ClearChainQuery>>;

fn contract() -> Box<dyn Contract<ClearChainMsg, ClearChainQuery>> {
    Box::new(
        ContractWrapper::new(
            green_credit::contract::execute,
            green_credit::contract::instantiate,
            green_credit::contract::query,
        )
        .with_migrate(green_credit::contract::migrate),
    )
}

struct Env {
    app: ChainApp,
    gc: Addr,
    issuer: Addr,
    alice: Addr,
    bob: Addr,
}

fn setup() -> Env {
    let api = MockApiBech32::new("clear");
    let issuer = api.addr_make("issuer");
    let alice = api.addr_make("alice");
    let bob = api.addr_make("bob");
    let mut app = AppBuilder::new_custom()
        .with_api(api)
        .with_custom(ChainModule)
        .build(|_, _, _| {});
    let code = app.store_code(contract());
    let gc = app
        .instantiate_contract(code, issuer.clone(), &InstantiateMsg { name: "GreenCredit".into() }, &[], "gc", Some(issuer.to_string()))
        .unwrap();
    app.init_modules(|_, _, storage| {
        ChainModule::grant(storage, &issuer, "ISSUER");
        // The contract creates and mints the batch assets: it needs its own licence.
        ChainModule::grant(storage, &gc, "ISSUER");
    });
    Env { app, gc, issuer, alice, bob }
}

fn issue_msg(first: u64, mwh: u64) -> ExecuteMsg {
    ExecuteMsg::Issue {
        project: "Solar Park Alentejo".into(),
        technology: "solar".into(),
        region: "PT".into(),
        vintage: 2026,
        mwh: Uint64::new(mwh),
        first_serial: Uint64::new(first),
        recipient: None,
    }
}

fn batch(e: &Env, id: u64) -> Batch {
    e.app.wrap().query_wasm_smart(&e.gc, &QueryMsg::Batch { id }).unwrap()
}

fn serial(e: &Env, s: u64) -> SerialResponse {
    e.app.wrap().query_wasm_smart(&e.gc, &QueryMsg::Serial { serial: Uint64::new(s) }).unwrap()
}

fn balance(e: &Env, who: &Addr, denom: &str) -> u128 {
    e.app.wrap().query_balance(who, denom).unwrap().amount.to_string().parse().unwrap()
}

#[test]
fn a_licensed_issuer_issues_a_batch_minted_as_an_asset() {
    let mut e = setup();
    e.app.execute_contract(e.issuer.clone(), e.gc.clone(), &issue_msg(1000, 250), &[]).unwrap();
    let b = batch(&e, 1);
    assert_eq!(b.denom, format!("asset/{}/gc1", e.gc));
    assert_eq!((b.serials.first, b.serials.last), (1000, 1249));
    assert_eq!(balance(&e, &e.issuer, &b.denom), 250);
    let s = serial(&e, 1249);
    assert_eq!((s.batch_id, s.certificate_id), (1, None));
}

#[test]
fn an_unlicensed_issuer_is_refused_and_nothing_is_recorded() {
    let mut e = setup();
    let err = e.app.execute_contract(e.alice.clone(), e.gc.clone(), &issue_msg(1, 10), &[]).unwrap_err();
    assert!(format!("{err:?}").contains("not a licensed issuer"), "{err:?}");
    let err = e.app.wrap().query_wasm_smart::<Batch>(&e.gc, &QueryMsg::Batch { id: 1 }).unwrap_err();
    assert!(err.to_string().contains("batch 1 not found"), "{err}");
}

#[test]
fn a_frozen_issuer_is_refused() {
    let mut e = setup();
    e.app.init_modules(|_, _, s| ChainModule::freeze(s, &e.issuer));
    let err = e.app.execute_contract(e.issuer.clone(), e.gc.clone(), &issue_msg(1, 10), &[]).unwrap_err();
    assert!(format!("{err:?}").contains("frozen"), "{err:?}");
}

#[test]
fn a_contract_without_its_own_licence_cannot_mint_and_the_batch_is_rolled_back() {
    let api = MockApiBech32::new("clear");
    let issuer = api.addr_make("issuer");
    let mut app = AppBuilder::new_custom().with_api(api).with_custom(ChainModule).build(|_, _, _| {});
    let code = app.store_code(contract());
    let gc = app.instantiate_contract(code, issuer.clone(), &InstantiateMsg { name: "GC".into() }, &[], "gc", None).unwrap();
    app.init_modules(|_, _, s| ChainModule::grant(s, &issuer, "ISSUER"));
    let err = app.execute_contract(issuer.clone(), gc.clone(), &issue_msg(1, 10), &[]).unwrap_err();
    assert!(format!("{err:?}").contains("lacks licence role"), "{err:?}");
    // The submessage failed, so the whole execution, batch included, is undone.
    assert!(app.wrap().query_wasm_smart::<Batch>(&gc, &QueryMsg::Batch { id: 1 }).is_err());
}

#[test]
fn overlapping_serial_ranges_are_refused() {
    let mut e = setup();
    e.app.execute_contract(e.issuer.clone(), e.gc.clone(), &issue_msg(100, 100), &[]).unwrap();
    for (first, mwh) in [(100, 1), (199, 5), (50, 51), (0, 1000), (150, 2)] {
        let err = e.app.execute_contract(e.issuer.clone(), e.gc.clone(), &issue_msg(first, mwh), &[]).unwrap_err();
        assert!(format!("{err:?}").contains("overlap batch 1"), "{first}+{mwh}: {err:?}");
    }
    // Adjacent ranges on both sides are fine.
    e.app.execute_contract(e.issuer.clone(), e.gc.clone(), &issue_msg(200, 10), &[]).unwrap();
    e.app.execute_contract(e.issuer.clone(), e.gc.clone(), &issue_msg(90, 10), &[]).unwrap();
    assert_eq!(serial(&e, 99).batch_id, 3);
    assert_eq!(serial(&e, 100).batch_id, 1);
    assert_eq!(serial(&e, 200).batch_id, 2);
}

#[test]
fn overflowing_and_empty_ranges_are_refused() {
    let mut e = setup();
    let err = e.app.execute_contract(e.issuer.clone(), e.gc.clone(), &issue_msg(u64::MAX, 2), &[]).unwrap_err();
    assert!(format!("{err:?}").contains("pass the largest serial"), "{err:?}");
    let err = e.app.execute_contract(e.issuer.clone(), e.gc.clone(), &issue_msg(1, 0), &[]).unwrap_err();
    assert!(format!("{err:?}").contains("cannot be empty"), "{err:?}");
    // The last serial itself can be issued.
    e.app.execute_contract(e.issuer.clone(), e.gc.clone(), &issue_msg(u64::MAX, 1), &[]).unwrap();
}

#[test]
fn retiring_burns_the_credits_and_leaves_a_certificate() {
    let mut e = setup();
    e.app.execute_contract(e.issuer.clone(), e.gc.clone(), &issue_msg(1000, 100), &[]).unwrap();
    let denom = batch(&e, 1).denom;
    e.app
        .execute_contract(e.issuer.clone(), e.gc.clone(), &ExecuteMsg::Transfer { recipient: e.alice.to_string() }, &[coin(40, &denom)])
        .unwrap();
    assert_eq!(balance(&e, &e.alice, &denom), 40);
    let retire = ExecuteMsg::Retire { beneficiary: "Alice Foods SA".into(), reason: "2026 scope 2".into() };
    e.app.execute_contract(e.alice.clone(), e.gc.clone(), &retire, &[coin(30, &denom)]).unwrap();
    let cert: Certificate = e.app.wrap().query_wasm_smart(&e.gc, &QueryMsg::Certificate { id: 1 }).unwrap();
    assert_eq!((cert.serials.first, cert.serials.last), (1000, 1029));
    assert_eq!(cert.retired_by, e.alice);
    assert_eq!(cert.beneficiary, "Alice Foods SA");
    assert_eq!(balance(&e, &e.alice, &denom), 10);
    assert_eq!(balance(&e, &e.gc, &denom), 0, "retired credits are burned, not held");
    assert_eq!(batch(&e, 1).retired, Uint64::new(30));

    // The next retirement takes the next serials; the first certificate's stay put.
    e.app.execute_contract(e.issuer.clone(), e.gc.clone(), &retire, &[coin(60, &denom)]).unwrap();
    let s = serial(&e, 1029);
    assert_eq!(s.certificate_id, Some(1));
    let s = serial(&e, 1030);
    assert_eq!(s.certificate_id, Some(2));
    assert_eq!(serial(&e, 1090).certificate_id, None);
}

#[test]
fn a_retired_serial_never_moves_again() {
    let mut e = setup();
    e.app.execute_contract(e.issuer.clone(), e.gc.clone(), &issue_msg(1, 10), &[]).unwrap();
    let denom = batch(&e, 1).denom;
    let retire = ExecuteMsg::Retire { beneficiary: "B".into(), reason: "R".into() };
    e.app.execute_contract(e.issuer.clone(), e.gc.clone(), &retire, &[coin(10, &denom)]).unwrap();
    // Every serial is retired: nothing is left to move, retire or re-issue.
    let err = e.app
        .execute_contract(e.issuer.clone(), e.gc.clone(), &ExecuteMsg::Transfer { recipient: e.bob.to_string() }, &[coin(1, &denom)])
        .unwrap_err();
    assert!(format!("{err:?}").contains("insufficient") || format!("{err:?}").contains("Overflow"), "{err:?}");
    assert_eq!(balance(&e, &e.bob, &denom), 0);
    let err = e.app.execute_contract(e.issuer.clone(), e.gc.clone(), &retire, &[coin(1, &denom)]).unwrap_err();
    assert!(!format!("{err:?}").is_empty());
    assert_eq!(batch(&e, 1).retired, Uint64::new(10));
    let err = e.app.execute_contract(e.issuer.clone(), e.gc.clone(), &issue_msg(5, 1), &[]).unwrap_err();
    assert!(format!("{err:?}").contains("overlap batch 1"), "{err:?}");
    for s in 1..=10 {
        assert_eq!(serial(&e, s).certificate_id, Some(1));
    }
}

#[test]
fn funds_of_another_denom_or_several_coins_are_refused() {
    let mut e = setup();
    e.app.execute_contract(e.issuer.clone(), e.gc.clone(), &issue_msg(1, 10), &[]).unwrap();
    e.app.execute_contract(e.issuer.clone(), e.gc.clone(), &issue_msg(11, 10), &[]).unwrap();
    let (d1, d2) = (batch(&e, 1).denom, batch(&e, 2).denom);
    let retire = ExecuteMsg::Retire { beneficiary: "B".into(), reason: "R".into() };
    let err = e.app.execute_contract(e.issuer.clone(), e.gc.clone(), &retire, &[coin(1, &d1), coin(1, &d2)]).unwrap_err();
    assert!(format!("{err:?}").contains("exactly one coin"), "{err:?}");
    let err = e.app.execute_contract(e.issuer.clone(), e.gc.clone(), &retire, &[]).unwrap_err();
    assert!(format!("{err:?}").contains("exactly one coin"), "{err:?}");
    let empty = ExecuteMsg::Retire { beneficiary: " ".into(), reason: "R".into() };
    let err = e.app.execute_contract(e.issuer.clone(), e.gc.clone(), &empty, &[coin(1, &d1)]).unwrap_err();
    assert!(format!("{err:?}").contains("beneficiary is invalid"), "{err:?}");
    assert_eq!(batch(&e, 1).retired, Uint64::zero());
}

#[test]
fn transfer_to_a_frozen_account_is_refused() {
    let mut e = setup();
    e.app.execute_contract(e.issuer.clone(), e.gc.clone(), &issue_msg(1, 10), &[]).unwrap();
    let denom = batch(&e, 1).denom;
    e.app.init_modules(|_, _, s| ChainModule::freeze(s, &e.bob));
    let err = e.app
        .execute_contract(e.issuer.clone(), e.gc.clone(), &ExecuteMsg::Transfer { recipient: e.bob.to_string() }, &[coin(3, &denom)])
        .unwrap_err();
    assert!(format!("{err:?}").contains("may not hold"), "{err:?}");
    assert_eq!(balance(&e, &e.issuer, &denom), 10);
}

#[test]
fn migrate_keeps_the_state() {
    let mut e = setup();
    e.app.execute_contract(e.issuer.clone(), e.gc.clone(), &issue_msg(1, 10), &[]).unwrap();
    let code = e.app.store_code(contract());
    e.app.migrate_contract(e.issuer.clone(), e.gc.clone(), &green_credit::msg::MigrateMsg {}, code).unwrap();
    assert_eq!(batch(&e, 1).mwh, Uint64::new(10));
}
