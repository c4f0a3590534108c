//! Golden JSON of every binding type, as cosmwasm-std serializes it on
//! chain. The Go side (app/wasm_bindings_test.go) decodes each file into its
//! mirror type and must re-encode the same bytes. `GOLDEN_REWRITE=1 cargo
//! test` rewrites the files.

use clearchain_bindings::*;
use cosmwasm_std::{Int128, Uint128, Uint64};
use serde::{de::DeserializeOwned, Serialize};
use std::fmt::Debug;
use std::path::PathBuf;

fn check<T: Serialize + DeserializeOwned + PartialEq + Debug>(name: &str, v: T) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/golden").join(format!("{name}.json"));
    let got = cosmwasm_std::to_json_vec(&v).unwrap();
    if std::env::var_os("GOLDEN_REWRITE").is_some() {
        std::fs::write(&path, &got).unwrap();
    }
    let want = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e} (GOLDEN_REWRITE=1 writes it)", path.display()));
    assert_eq!(String::from_utf8(got).unwrap(), String::from_utf8(want.clone()).unwrap(), "{name}");
    let back: T = cosmwasm_std::from_json(&want).unwrap();
    assert_eq!(back, v, "{name} round trip");
}

#[test]
fn messages() {
    check(
        "msg_create_asset",
        ClearChainMsg::CreateAsset {
            symbol: "gc1".into(),
            name: "GreenCredit batch 1".into(),
            decimals: 0,
            uri: "ipfs://meta".into(),
            uri_hash: "ab12".into(),
            class: AssetClass::GreenCredit,
            restricted: false,
            supply_cap: Uint128::new(340282366920938463463374607431768211455),
        },
    );
    check(
        "msg_mint",
        ClearChainMsg::Mint {
            denom: "asset/clear1contract/gc1".into(),
            amount: Uint128::new(250),
            recipient: "clear1recipient".into(),
        },
    );
    check(
        "msg_burn",
        ClearChainMsg::Burn {
            denom: "asset/clear1contract/gc1".into(),
            amount: Uint128::new(30),
        },
    );
    check(
        "msg_place_order",
        ClearChainMsg::PlaceOrder {
            market_id: 7,
            side: OrderSide::Sell,
            price: Uint64::new(9223372036854775807),
            quantity: Uint64::new(18446744073709551615),
            time_in_force: TimeInForce::Ioc,
            client_order_id: "dataset-1-shares".into(),
            post_only: true,
            track: true,
        },
    );
    check(
        "msg_cancel_order",
        ClearChainMsg::CancelOrder {
            market_id: 7,
            order_id: 42,
            client_order_id: "".into(),
        },
    );
    check(
        "msg_cancel_order_by_client_id",
        ClearChainMsg::CancelOrder {
            market_id: 7,
            order_id: 0,
            client_order_id: "offer-1".into(),
        },
    );
    check(
        "msg_deposit",
        ClearChainMsg::Deposit {
            denom: "asset/clear1contract/ds1".into(),
            amount: Uint128::new(40),
        },
    );
    check(
        "msg_withdraw",
        ClearChainMsg::Withdraw {
            denom: "ucusd".into(),
            amount: Uint128::new(340282366920938463463374607431768211455),
        },
    );
    check("msg_ack_moves", ClearChainMsg::AckMoves { up_to: 18446744073709551615 });
    check(
        "msg_ack_order",
        ClearChainMsg::AckOrder {
            client_order_id: "offer-1".into(),
        },
    );
    for (name, class) in [("data_asset", AssetClass::DataAsset), ("cash", AssetClass::Cash), ("other", AssetClass::Other)] {
        check(&format!("class_{name}"), class);
    }
    for (name, side) in [("buy", OrderSide::Buy), ("sell", OrderSide::Sell)] {
        check(&format!("side_{name}"), side);
    }
    for (name, t) in [("gtc", TimeInForce::Gtc), ("fok", TimeInForce::Fok)] {
        check(&format!("tif_{name}"), t);
    }
}

#[test]
fn queries() {
    check(
        "query_eligibility",
        ClearChainQuery::Eligibility {
            address: "clear1someone".into(),
            action: "ISSUER".into(),
            subject: "".into(),
        },
    );
    check("query_oracle_price", ClearChainQuery::OraclePrice { feed_id: "CUSD/EUR".into() });
    check("query_market_info", ClearChainQuery::MarketInfo { market_id: 1 });
    check("query_book_top", ClearChainQuery::BookTop { market_id: 1 });
    check(
        "query_pending_moves",
        ClearChainQuery::PendingMoves {
            admin: "clear1contract".into(),
            start_after: 3,
            limit: 100,
        },
    );
    check(
        "query_order_status",
        ClearChainQuery::OrderStatus {
            owner: "clear1contract".into(),
            client_order_id: "offer-1".into(),
        },
    );
}

#[test]
fn responses() {
    check(
        "resp_eligibility",
        EligibilityResponse {
            eligible: false,
            reason: "account clear1x is frozen".into(),
        },
    );
    check(
        "resp_oracle_price",
        OraclePriceResponse {
            ok: true,
            price: Uint64::new(101250),
            decimals: 5,
        },
    );
    check(
        "resp_market_info",
        MarketInfoResponse {
            market_id: 1,
            base_denom: "asset/clear1contract/gc1".into(),
            quote_denom: "ucusd".into(),
            tick_size: Uint128::new(1),
            lot_size: Uint128::new(1),
            status: "MARKET_STATUS_ACTIVE".into(),
            maker_fee_bps: -2,
        },
    );
    check(
        "resp_book_top",
        BookTopResponse {
            market_id: 1,
            best_bid: Some(PriceLevel {
                price: Uint64::new(99),
                quantity: Uint64::new(5),
            }),
            best_ask: None,
        },
    );
    check(
        "resp_pending_moves",
        PendingMovesResponse {
            moves: vec![
                ShareMove {
                    seq: 4,
                    denom: "asset/clear1contract/ds1".into(),
                    from: "clear1seller".into(),
                    to: "".into(),
                    amount: Uint128::new(40),
                    height: 12,
                },
                ShareMove {
                    seq: 5,
                    denom: "asset/clear1contract/ds1".into(),
                    from: "".into(),
                    to: "clear1buyer".into(),
                    amount: Uint128::new(40),
                    height: 14,
                },
            ],
            more: false,
            last_seq: 18446744073709551615,
        },
    );
    check(
        "resp_order_status",
        OrderStatusResponse {
            found: true,
            order_id: 42,
            market_id: 7,
            state: "cancelled".into(),
            price: Uint64::new(9223372036854775807),
            quantity: Uint64::new(30),
            filled_quantity: Uint64::new(20),
            tracked: false,
            quote_filled: Uint128::zero(),
            fees_paid: Int128::zero(),
        },
    );
    check(
        "resp_order_status_tracked",
        OrderStatusResponse {
            found: true,
            order_id: 43,
            market_id: 7,
            state: "filled".into(),
            price: Uint64::new(120),
            quantity: Uint64::new(30),
            filled_quantity: Uint64::new(30),
            tracked: true,
            quote_filled: Uint128::new(340282366920938463463374607431768211455),
            fees_paid: Int128::new(i128::MIN),
        },
    );
    check(
        "resp_order_status_not_found",
        OrderStatusResponse {
            found: false,
            order_id: 0,
            market_id: 0,
            state: "".into(),
            price: Uint64::zero(),
            quantity: Uint64::zero(),
            filled_quantity: Uint64::zero(),
            tracked: false,
            quote_filled: Uint128::zero(),
            fees_paid: Int128::zero(),
        },
    );
}
