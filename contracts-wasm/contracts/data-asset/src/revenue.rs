//! The revenue index: licence revenue is shared among the earning shares of
//! a dataset — every share held in an account, as the contract learns from
//! the share moves x/assets queues for it (shares in a module account, such
//! as the x/exchange escrow, or in the contract itself earn nothing) —
//! without a loop over holders. Each payment raises the index
//! (revenue per earning share, scaled by `SCALE`); a holder's due is its
//! earning shares times the rise of the index since it last settled. The
//! part of a payment the integer division leaves is carried, scaled, into
//! the next payment, so nothing is lost: what holders can claim plus the
//! carry always equals what was paid, up to one unit per holder settlement
//! rounded down.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{OverflowError, StdError, Uint128, Uint256};

/// Fixed-point scale of the index.
pub const SCALE: u128 = 1_000_000_000_000_000_000;

/// The revenue state of one dataset.
#[cw_serde]
#[derive(Default, Eq)]
pub struct Pool {
    /// Revenue per earning share, times `SCALE`.
    pub index: Uint256,
    /// Shares earning revenue (held in accounts).
    pub shares: Uint128,
    /// Scaled revenue not yet in the index: paid while nothing earned,
    /// or left by the division.
    pub carry: Uint256,
    /// All revenue paid in.
    pub paid_in: Uint128,
}

/// One holder's position in a pool.
#[cw_serde]
#[derive(Default, Eq)]
pub struct Position {
    pub shares: Uint128,
    /// The pool index when the position last settled.
    pub index: Uint256,
    /// Settled, not yet claimed revenue.
    pub owed: Uint128,
}

impl Pool {
    /// Adds `amount` of revenue.
    pub fn pay(&mut self, amount: Uint128) -> Result<(), StdError> {
        self.paid_in = self.paid_in.checked_add(amount)?;
        self.carry = self
            .carry
            .checked_add(Uint256::from(amount).checked_mul(Uint256::from(SCALE))?)?;
        self.distribute()
    }

    /// Moves the carry into the index when shares earn.
    fn distribute(&mut self) -> Result<(), StdError> {
        if self.shares.is_zero() {
            return Ok(());
        }
        let shares = Uint256::from(self.shares);
        let rise = self.carry.checked_div(shares).map_err(|e| StdError::msg(e.to_string()))?;
        self.index = self.index.checked_add(rise)?;
        self.carry = self.carry.checked_sub(rise.checked_mul(shares)?)?;
        Ok(())
    }

    /// Settles `p` at the current index: what it earned since it last
    /// settled moves into `owed`.
    pub fn settle(&self, p: &mut Position) -> Result<(), StdError> {
        let rise = self.index.checked_sub(p.index)?;
        let earned = Uint256::from(p.shares).checked_mul(rise)? / Uint256::from(SCALE);
        let earned = Uint128::try_from(earned).map_err(|e| StdError::msg(e.to_string()))?;
        p.owed = p.owed.checked_add(earned)?;
        p.index = self.index;
        Ok(())
    }

    /// Gives `p` `n` more shares (settling it first).
    pub fn add(&mut self, p: &mut Position, n: Uint128) -> Result<(), StdError> {
        self.settle(p)?;
        p.shares = p.shares.checked_add(n)?;
        self.shares = self.shares.checked_add(n)?;
        // Revenue carried while nothing earned goes to the first holders.
        self.distribute()?;
        // Those first holders are settled at the new index without earning
        // the carry they made possible, so give it to them explicitly.
        self.settle(p)
    }

    /// Takes `n` shares from `p` (settling it first).
    pub fn remove(&mut self, p: &mut Position, n: Uint128) -> Result<(), StdError> {
        self.settle(p)?;
        p.shares = p.shares.checked_sub(n).map_err(|e: OverflowError| StdError::from(e))?;
        self.shares = self.shares.checked_sub(n)?;
        Ok(())
    }

    /// Takes `p`'s settled revenue out.
    pub fn claim(&self, p: &mut Position) -> Result<Uint128, StdError> {
        self.settle(p)?;
        Ok(std::mem::take(&mut p.owed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    enum Op {
        Pay(u64),
        Bond(usize, u64),
        Unbond(usize, u64),
        Claim(usize),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (1u64..1_000_000_000).prop_map(Op::Pay),
            (0usize..5, 1u64..1_000_000).prop_map(|(h, n)| Op::Bond(h, n)),
            (0usize..5, 1u64..1_000_000).prop_map(|(h, n)| Op::Unbond(h, n)),
            (0usize..5).prop_map(Op::Claim),
        ]
    }

    proptest! {
        /// Whatever the order of payments, bonds, unbonds and claims:
        /// holders never get more than was paid in; what they are short of
        /// is the carry plus at most one unit per settlement (rounding
        /// down); and a holder's due is proportional to its earning shares.
        #[test]
        fn revenue_is_conserved(ops in prop::collection::vec(op(), 1..200)) {
            let mut pool = Pool::default();
            let mut pos = vec![Position::default(); 5];
            let mut claimed = Uint128::zero();
            let mut settlements: u128 = 0;
            for o in ops {
                match o {
                    Op::Pay(a) => pool.pay(Uint128::from(a)).unwrap(),
                    Op::Bond(h, n) => { pool.add(&mut pos[h], Uint128::from(n)).unwrap(); settlements += 2; }
                    Op::Unbond(h, n) => {
                        let n = Uint128::from(n).min(pos[h].shares);
                        pool.remove(&mut pos[h], n).unwrap();
                        settlements += 1;
                    }
                    Op::Claim(h) => { claimed += pool.claim(&mut pos[h]).unwrap(); settlements += 1; }
                }
                let held: Uint128 = pos.iter().map(|p| p.shares).sum();
                prop_assert_eq!(held, pool.shares);
            }
            for p in pos.iter_mut() {
                pool.settle(p).unwrap();
                settlements += 1;
            }
            let owed: Uint128 = pos.iter().map(|p| p.owed).sum();
            let out = claimed + owed;
            prop_assert!(out <= pool.paid_in, "paid out {} of {}", out, pool.paid_in);
            let carry = Uint128::try_from(pool.carry / Uint256::from(SCALE)).unwrap();
            let short = pool.paid_in - out;
            prop_assert!(short <= carry + Uint128::from(settlements + 1), "short {} carry {} settlements {}", short, carry, settlements);
        }

        /// Two holders bonded through one payment get shares of it in the
        /// ratio of their bonds (to one unit).
        #[test]
        fn dues_are_pro_rata(a in 1u64..1_000_000, b in 1u64..1_000_000, paid in 1u64..u64::MAX) {
            let mut pool = Pool::default();
            let (mut pa, mut pb) = (Position::default(), Position::default());
            pool.add(&mut pa, Uint128::from(a)).unwrap();
            pool.add(&mut pb, Uint128::from(b)).unwrap();
            pool.pay(Uint128::from(paid)).unwrap();
            let (ca, cb) = (pool.claim(&mut pa).unwrap().u128(), pool.claim(&mut pb).unwrap().u128());
            let total = u128::from(paid);
            let want_a = total * u128::from(a) / u128::from(a + b);
            prop_assert!(ca.abs_diff(want_a) <= 1, "a got {} want {}", ca, want_a);
            prop_assert!(ca + cb <= total && total - (ca + cb) <= 2);
        }
    }

    #[test]
    fn revenue_paid_while_nothing_is_bonded_goes_to_the_first_bonders() {
        let mut pool = Pool::default();
        pool.pay(Uint128::new(1000)).unwrap();
        let mut p = Position::default();
        pool.add(&mut p, Uint128::new(3)).unwrap();
        assert_eq!(pool.claim(&mut p).unwrap(), Uint128::new(999));
        assert!(pool.carry > Uint256::zero());
    }
}
