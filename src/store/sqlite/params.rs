//! Running the portable `$N` SQL of `store/` on rusqlite connections (the writing thread's).

use rusqlite::Statement;
use rusqlite::types::Value;

/// Binds each `$N` parameter of `statement` to `values[N - 1]` (SQLite treats `$N` as a named
/// parameter, so positions alone would not do when a statement uses them out of order).
pub fn bind_numbered(statement: &mut Statement<'_>, values: &[Value]) -> rusqlite::Result<()> {
    for index in 1..=statement.parameter_count() {
        let number = statement
            .parameter_name(index)
            .and_then(|name| name.strip_prefix('$'))
            .and_then(|digits| digits.parse::<usize>().ok())
            .filter(|n| (1..=values.len()).contains(n))
            .ok_or(rusqlite::Error::InvalidParameterCount(index, values.len()))?;
        statement.raw_bind_parameter(index, &values[number - 1])?;
    }
    Ok(())
}

/// Text or NULL, as a bindable value.
pub fn text(value: Option<&str>) -> Value {
    value.map_or(Value::Null, |v| Value::Text(v.to_owned()))
}

/// Integer or NULL, as a bindable value.
pub fn int(value: Option<i64>) -> Value {
    value.map_or(Value::Null, Value::Integer)
}
