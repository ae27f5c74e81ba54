//! Every route of the router is documented or deliberately left out, and every documented
//! operation is a route. The routes are read from src/http.rs, the one file that lists them
//! (axum cannot enumerate a `Router`'s routes).

use std::collections::BTreeSet;

use super::contract::{METHODS, SPEC};

const ROUTER: &str = include_str!("../../../src/http.rs");

/// Left out of the contract on purpose (the spec's description says so): HTML pages and files.
const NOT_IN_CONTRACT: [&str; 7] = [
    "/admin",
    "/mail/",
    "/embed",
    "/demo",
    "/auth/popup.",
    "/auth/icons/",
    "/avatar/",
];

/// `(path, method)` of every `.route("PATH", get(..).post(..))` in src/http.rs.
fn routes() -> BTreeSet<(String, String)> {
    let mut found = BTreeSet::new();
    for (start, _) in ROUTER.match_indices(".route(") {
        let call = call_arguments(&ROUTER[start + ".route(".len()..]);
        let path = call.split('"').nth(1).expect("a path literal");
        let handlers = &call[call.find(',').expect("a method router")..];
        for method in METHODS {
            let called = handlers
                .match_indices(&format!("{method}("))
                .any(|(at, _)| {
                    !handlers[..at]
                        .chars()
                        .next_back()
                        .is_some_and(|c| c.is_alphanumeric() || c == '_')
                });
            if called {
                found.insert((path.to_string(), method.to_string()));
            }
        }
    }
    assert!(
        found.len() > 20,
        "src/http.rs parses into routes: {found:?}"
    );
    found
}

/// The text up to the parenthesis that closes a call (string literals may hold parentheses).
fn call_arguments(rest: &str) -> &str {
    let (mut depth, mut in_string) = (1, false);
    for (at, c) in rest.char_indices() {
        match c {
            '"' => in_string = !in_string,
            '(' if !in_string => depth += 1,
            ')' if !in_string => {
                depth -= 1;
                if depth == 0 {
                    return &rest[..at];
                }
            }
            _ => {}
        }
    }
    panic!("an unclosed .route( in src/http.rs")
}

fn documented() -> BTreeSet<(String, String)> {
    let mut found = BTreeSet::new();
    for (path, item) in SPEC["paths"].as_object().expect("paths") {
        for method in METHODS.into_iter().filter(|m| item.get(*m).is_some()) {
            found.insert((path.clone(), method.to_string()));
        }
    }
    found
}

#[test]
fn every_route_is_documented_and_every_documented_operation_is_a_route() {
    let routes = routes();
    let in_contract: BTreeSet<_> = routes
        .iter()
        .filter(|(path, _)| !NOT_IN_CONTRACT.iter().any(|p| path.starts_with(p)))
        .cloned()
        .collect();
    let documented = documented();
    let undocumented: Vec<_> = in_contract.difference(&documented).collect();
    let unrouted: Vec<_> = documented.difference(&in_contract).collect();
    assert!(
        undocumented.is_empty(),
        "routes missing from api/openapi.json (describe them, or add them to NOT_IN_CONTRACT): {undocumented:?}"
    );
    assert!(
        unrouted.is_empty(),
        "api/openapi.json describes operations no route answers: {unrouted:?}"
    );
    for prefix in NOT_IN_CONTRACT {
        assert!(
            routes.iter().any(|(path, _)| path.starts_with(prefix)),
            "NOT_IN_CONTRACT names {prefix}, which no route has any more"
        );
    }
}
