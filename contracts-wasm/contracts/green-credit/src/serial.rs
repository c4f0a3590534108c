//! Serial-number arithmetic: inclusive ranges of credit serials, one serial
//! per MWh. Every function is checked: no range wraps past `u64::MAX`, and
//! an empty range cannot be built.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{StdResult, Storage};
use cw_storage_plus::{Bound, Map};

use crate::error::ContractError;

/// An inclusive range of serials `first..=last`, never empty.
#[cw_serde]
#[derive(Copy, Eq)]
pub struct SerialRange {
    pub first: u64,
    pub last: u64,
}

impl SerialRange {
    /// The `len` serials starting at `first`; refused when `len` is 0 or the
    /// range would pass `u64::MAX`.
    pub fn from_len(first: u64, len: u64) -> Result<Self, ContractError> {
        if len == 0 {
            return Err(ContractError::EmptyRange {});
        }
        let last = first
            .checked_add(len - 1)
            .ok_or(ContractError::SerialOverflow { first, len })?;
        Ok(SerialRange { first, last })
    }

    /// Number of serials; a range holds at most `u64::MAX` of them (the
    /// full `0..=u64::MAX` cannot be built by `from_len`).
    pub fn len(&self) -> u64 {
        self.last - self.first + 1
    }

    pub fn contains(&self, serial: u64) -> bool {
        self.first <= serial && serial <= self.last
    }

    pub fn overlaps(&self, other: &SerialRange) -> bool {
        self.first <= other.last && other.first <= self.last
    }

    /// Splits off the first `n` serials: `(taken, rest)`, `rest` `None`
    /// when all are taken. Refused when `n` is 0 or larger than the range.
    pub fn take_front(&self, n: u64) -> Result<(SerialRange, Option<SerialRange>), ContractError> {
        if n == 0 {
            return Err(ContractError::EmptyRange {});
        }
        if n > self.len() {
            return Err(ContractError::NotEnoughSerials {
                wanted: n,
                left: self.len(),
            });
        }
        let taken = SerialRange {
            first: self.first,
            last: self.first + (n - 1),
        };
        let rest = if taken.last == self.last {
            None
        } else {
            Some(SerialRange {
                first: taken.last + 1,
                last: self.last,
            })
        };
        Ok((taken, rest))
    }
}

/// The range (and its owner id) in `index` that holds `serial`, if any.
/// `index` maps a range's first serial to `(last serial, owner id)`; its
/// ranges never overlap, so only the range starting at or before `serial`
/// can hold it.
pub fn find_holder(
    store: &dyn Storage,
    index: &Map<u64, (u64, u64)>,
    serial: u64,
) -> StdResult<Option<(SerialRange, u64)>> {
    let prev = index
        .range(store, None, Some(Bound::inclusive(serial)), cosmwasm_std::Order::Descending)
        .next()
        .transpose()?;
    Ok(prev.and_then(|(first, (last, id))| {
        let r = SerialRange { first, last };
        r.contains(serial).then_some((r, id))
    }))
}

/// Records `range` for owner `id` in `index`, refusing a range that
/// overlaps one already there. An overlapping range must start at or
/// before `range.last`, and of those the one starting last is the only one
/// that can reach it (the stored ranges are disjoint), so one lookup is
/// enough.
pub fn insert_disjoint(
    store: &mut dyn Storage,
    index: &Map<u64, (u64, u64)>,
    range: SerialRange,
    id: u64,
) -> Result<(), ContractError> {
    let prev = index
        .range(store, None, Some(Bound::inclusive(range.last)), cosmwasm_std::Order::Descending)
        .next()
        .transpose()?;
    if let Some((first, (last, other))) = prev {
        let r = SerialRange { first, last };
        if r.overlaps(&range) {
            return Err(ContractError::SerialOverlap {
                first: range.first,
                last: range.last,
                batch_id: other,
            });
        }
    }
    index.save(store, range.first, &(range.last, id))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::testing::MockStorage;
    use proptest::prelude::*;

    const INDEX: Map<u64, (u64, u64)> = Map::new("test_index");

    proptest! {
        #[test]
        fn from_len_holds_exactly_len_serials(first in any::<u64>(), len in any::<u64>()) {
            match SerialRange::from_len(first, len) {
                Ok(r) => {
                    prop_assert!(len > 0);
                    prop_assert_eq!(r.len(), len);
                    prop_assert!(r.contains(first) && r.contains(r.last));
                    prop_assert!(first.checked_add(len - 1).is_some());
                }
                Err(_) => prop_assert!(len == 0 || first.checked_add(len - 1).is_none()),
            }
        }

        #[test]
        fn take_front_partitions_the_range(first in any::<u64>(), len in 1u64..=u64::MAX, n in any::<u64>()) {
            let Ok(r) = SerialRange::from_len(first, len) else { return Ok(()) };
            match r.take_front(n) {
                Ok((taken, rest)) => {
                    prop_assert!(n >= 1 && n <= len);
                    prop_assert_eq!(taken.first, r.first);
                    prop_assert_eq!(taken.len(), n);
                    match rest {
                        None => { prop_assert_eq!(n, len); prop_assert_eq!(taken.last, r.last); }
                        Some(rest) => {
                            prop_assert_eq!(rest.first, taken.last + 1);
                            prop_assert_eq!(rest.last, r.last);
                            prop_assert_eq!(taken.len() + rest.len(), r.len());
                            prop_assert!(!taken.overlaps(&rest));
                        }
                    }
                }
                Err(_) => prop_assert!(n == 0 || n > len),
            }
        }

        #[test]
        fn overlaps_is_symmetric_and_means_a_shared_serial(a in 0u64..64, la in 1u64..16, b in 0u64..64, lb in 1u64..16) {
            let x = SerialRange::from_len(a, la).unwrap();
            let y = SerialRange::from_len(b, lb).unwrap();
            let shared = (x.first..=x.last).any(|s| y.contains(s));
            prop_assert_eq!(x.overlaps(&y), shared);
            prop_assert_eq!(x.overlaps(&y), y.overlaps(&x));
        }

        /// The one-lookup overlap check of `insert_disjoint` agrees with
        /// comparing against every accepted range, the accepted ranges stay
        /// disjoint, and `find_holder` finds exactly the range holding a
        /// serial.
        #[test]
        fn the_index_accepts_exactly_the_disjoint_ranges(
            ranges in prop::collection::vec((0u64..500, 1u64..40), 1..60),
            probes in prop::collection::vec(0u64..560, 1..40),
            near_max in any::<bool>(),
        ) {
            let mut store = MockStorage::new();
            let base = if near_max { u64::MAX - 600 } else { 0 };
            let mut accepted: Vec<(SerialRange, u64)> = Vec::new();
            for (i, (first, len)) in ranges.into_iter().enumerate() {
                let r = SerialRange::from_len(base + first, len).unwrap();
                let clashes = accepted.iter().any(|(a, _)| a.overlaps(&r));
                let res = insert_disjoint(&mut store, &INDEX, r, i as u64);
                prop_assert_eq!(res.is_ok(), !clashes, "range {:?}", r);
                if res.is_ok() { accepted.push((r, i as u64)); }
            }
            for (i, (a, _)) in accepted.iter().enumerate() {
                for (b, _) in accepted.iter().skip(i + 1) {
                    prop_assert!(!a.overlaps(b));
                }
            }
            for p in probes {
                let s = base + p;
                let want = accepted.iter().find(|(r, _)| r.contains(s)).copied();
                prop_assert_eq!(find_holder(&store, &INDEX, s).unwrap(), want);
            }
        }
    }
}
