//! Whole numbers as JSON Schema counts them: `5` and `5.0` are the same integer (the contract,
//! api/openapi.json, says `"type": "integer"`, which admits both), so both are read; `5.5` is
//! still refused. serde alone reads `5.0` into an integer field as a type error (400).

use serde::{Deserialize, Deserializer, de};

/// A JSON number as written: an integer, or a float that may be one.
#[derive(Deserialize)]
#[serde(untagged)]
enum Number {
    Signed(i64),
    Unsigned(u64),
    Float(f64),
}

/// `value` if it is whole and within `[min, max)`: a float outside the target's range is
/// refused, never clamped.
fn whole(value: f64, min: f64, max: f64) -> Option<f64> {
    (value.fract() == 0.0 && value >= min && value < max).then_some(value)
}

/// `Option<i64>` from an integer or an integral float (`null` and absence are `None`).
pub fn optional_i64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    let Some(number) = Option::<Number>::deserialize(deserializer)? else {
        return Ok(None);
    };
    let value = match number {
        Number::Signed(n) => Some(n),
        Number::Unsigned(n) => i64::try_from(n).ok(),
        Number::Float(f) => whole(f, -(2f64.powi(63)), 2f64.powi(63)).map(|f| f as i64),
    };
    value
        .map(Some)
        .ok_or_else(|| de::Error::custom("expected a whole number in the 64-bit signed range"))
}

/// `Option<u64>` from a non-negative integer or integral float.
pub fn optional_u64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    let Some(number) = Option::<Number>::deserialize(deserializer)? else {
        return Ok(None);
    };
    let value = match number {
        Number::Signed(n) => u64::try_from(n).ok(),
        Number::Unsigned(n) => Some(n),
        Number::Float(f) => whole(f, 0.0, 2f64.powi(64)).map(|f| f as u64),
    };
    value
        .map(Some)
        .ok_or_else(|| de::Error::custom("expected a non-negative whole number"))
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct Input {
        #[serde(default, deserialize_with = "super::optional_i64")]
        parent: Option<i64>,
        #[serde(default, deserialize_with = "super::optional_u64")]
        ms: Option<u64>,
    }

    fn read(json: &str) -> Result<(Option<i64>, Option<u64>), String> {
        serde_json::from_str::<Input>(json)
            .map(|i| (i.parent, i.ms))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn integral_floats_are_integers_and_fractions_are_not() {
        assert_eq!(
            read(r#"{"parent": 5.0, "ms": 49067587.0}"#),
            Ok((Some(5), Some(49067587)))
        );
        assert_eq!(read(r#"{"parent": -3, "ms": 7}"#), Ok((Some(-3), Some(7))));
        assert_eq!(read(r#"{"parent": null}"#), Ok((None, None)));
        assert_eq!(read("{}"), Ok((None, None)));
        for bad in [
            r#"{"parent": 5.5}"#,
            r#"{"ms": -1}"#,
            r#"{"ms": 1e30}"#,
            r#"{"parent": "5"}"#,
        ] {
            assert!(read(bad).is_err(), "{bad} must be refused");
        }
    }
}
