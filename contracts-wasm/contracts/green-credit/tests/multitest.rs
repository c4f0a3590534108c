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

// ---- Claims: one environmental claim per retirement certificate ----

fn cert(e: &Env, id: u64) -> Certificate {
    e.app.wrap().query_wasm_smart(&e.gc, &QueryMsg::Certificate { id }).unwrap()
}

fn claim_msg(id: u64, statement: &str) -> ExecuteMsg {
    ExecuteMsg::Claim { certificate: Uint64::new(id), statement: statement.into() }
}

/// Issues serials 1000..1099 to the issuer, gives alice 40 and has her
/// retire 30 of them (certificate 1, serials 1000..1029) for `beneficiary`.
fn retired_by_alice(beneficiary: &str) -> Env {
    let mut e = setup();
    e.app.execute_contract(e.issuer.clone(), e.gc.clone(), &issue_msg(1000, 100), &[]).unwrap();
    let denom = batch(&e, 1).denom;
    e.app
        .execute_contract(e.issuer.clone(), e.gc.clone(), &ExecuteMsg::Transfer { recipient: e.alice.to_string() }, &[coin(40, &denom)])
        .unwrap();
    let retire = ExecuteMsg::Retire { beneficiary: beneficiary.into(), reason: "2026 scope 2".into() };
    e.app.execute_contract(e.alice.clone(), e.gc.clone(), &retire, &[coin(30, &denom)]).unwrap();
    e
}

fn wasm_attr(r: &cw_multi_test::AppResponse, key: &str) -> Option<String> {
    r.events
        .iter()
        .filter(|ev| ev.ty == "wasm")
        .flat_map(|ev| ev.attributes.iter())
        .find(|a| a.key == key)
        .map(|a| a.value.clone())
}

#[test]
fn claim_ok_is_recorded_in_the_certificate_with_an_event() {
    let mut e = retired_by_alice("Alice Foods SA");
    assert!(cert(&e, 1).claim.is_none());
    let r = e.app.execute_contract(e.alice.clone(), e.gc.clone(), &claim_msg(1, "2026 scope 2: 30 MWh solar"), &[]).unwrap();
    let c = cert(&e, 1).claim.expect("the claim is stored");
    assert_eq!(c.claimant, e.alice);
    assert_eq!(c.statement, "2026 scope 2: 30 MWh solar");
    assert_eq!(c.height, e.app.block_info().height);
    for (k, v) in [
        ("action", "claim".to_string()),
        ("certificate_id", "1".into()),
        ("batch_id", "1".into()),
        ("claimant", e.alice.to_string()),
        ("first_serial", "1000".into()),
        ("last_serial", "1029".into()),
    ] {
        assert_eq!(wasm_attr(&r, k).as_deref(), Some(v.as_str()), "attribute {k}");
    }
}

#[test]
fn a_second_claim_is_refused_naming_the_first_and_state_is_untouched() {
    let mut e = retired_by_alice(&setup().bob.to_string());
    e.app.execute_contract(e.alice.clone(), e.gc.clone(), &claim_msg(1, "first"), &[]).unwrap();
    let first_height = e.app.block_info().height;
    let before = cert(&e, 1);
    e.app.update_block(|b| b.height += 5);
    // The same claimant again, and the beneficiary account: both refused.
    for who in [e.alice.clone(), e.bob.clone()] {
        let err = e.app.execute_contract(who.clone(), e.gc.clone(), &claim_msg(1, "second"), &[]).unwrap_err();
        let want = format!("certificate 1 was already claimed by {} at height {first_height}", e.alice);
        assert!(format!("{err:?}").contains(&want), "{who}: {err:?}");
    }
    assert_eq!(cert(&e, 1), before);
}

#[test]
fn an_account_beneficiary_may_claim_instead_of_the_retirer() {
    let bob = setup().bob;
    let mut e = retired_by_alice(bob.as_str());
    e.app.execute_contract(bob.clone(), e.gc.clone(), &claim_msg(1, "Bob's claim"), &[]).unwrap();
    assert_eq!(cert(&e, 1).claim.unwrap().claimant, bob);
}

#[test]
fn a_claim_on_an_unknown_certificate_is_refused() {
    let mut e = retired_by_alice("Alice Foods SA");
    let err = e.app.execute_contract(e.alice.clone(), e.gc.clone(), &claim_msg(9, "x"), &[]).unwrap_err();
    assert!(format!("{err:?}").contains("certificate 9 not found"), "{err:?}");
    assert!(cert(&e, 1).claim.is_none());
}

#[test]
fn a_claim_by_a_stranger_is_refused() {
    // A beneficiary that is a name, not an address, cannot claim; nor can
    // the issuer who sold the credits.
    let mut e = retired_by_alice("Bob Foods SA");
    for who in [e.bob.clone(), e.issuer.clone()] {
        let err = e.app.execute_contract(who.clone(), e.gc.clone(), &claim_msg(1, "mine"), &[]).unwrap_err();
        assert!(format!("{err:?}").contains(&format!("{who} may not claim certificate 1")), "{err:?}");
    }
    assert!(cert(&e, 1).claim.is_none());
}

#[test]
fn an_oversize_or_empty_statement_and_funds_are_refused() {
    let mut e = retired_by_alice("Alice Foods SA");
    for bad in ["x".repeat(green_credit::contract::MAX_STATEMENT + 1), " ".into(), "a\u{7}b".into()] {
        let err = e.app.execute_contract(e.alice.clone(), e.gc.clone(), &claim_msg(1, &bad), &[]).unwrap_err();
        assert!(format!("{err:?}").contains("statement is invalid"), "{err:?}");
    }
    let denom = batch(&e, 1).denom;
    let err = e.app.execute_contract(e.alice.clone(), e.gc.clone(), &claim_msg(1, "ok"), &[coin(1, &denom)]).unwrap_err();
    assert!(format!("{err:?}").contains("funds is invalid: a claim takes none"), "{err:?}");
    assert!(cert(&e, 1).claim.is_none());
    // The longest statement allowed is fine.
    let longest = "y".repeat(green_credit::contract::MAX_STATEMENT);
    e.app.execute_contract(e.alice.clone(), e.gc.clone(), &claim_msg(1, &longest), &[]).unwrap();
}

#[test]
fn a_certificate_stored_before_claims_existed_reads_as_unclaimed() {
    // The JSON a certificate was stored as before the `claim` field.
    let old = r#"{"id":1,"batch_id":1,"retired_by":"clear1x","beneficiary":"B","reason":"R",
        "serials":{"first":1,"last":10},"height":7,"time":"1700000000000000000"}"#;
    let c: Certificate = cosmwasm_std::from_json(old.as_bytes()).unwrap();
    assert!(c.claim.is_none());
    assert_eq!(c.height, 7);
}
