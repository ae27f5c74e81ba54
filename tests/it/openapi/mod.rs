//! The API contract (`api/openapi.json`, served at `/api/openapi.json`) held against the code,
//! so that neither can change without the other: the router's routes and the documented
//! operations are the same set ([`routes`]); the request fields serde reads are the documented
//! ones ([`fields`]); and every answer the stories provoke — each documented operation, success
//! and error — has a documented status, content type and headers and validates against its
//! schema ([`answers`]; a reader's own data in [`reader_data`]). `scripts/api-fuzz` then lets
//! schemathesis try what the stories don't.

mod answers;
mod contract;
mod fields;
mod found;
mod moderating;
mod reader_controls;
mod reader_data;
mod refusals;
mod routes;
mod signed_in;
