//! The pure core: no I/O, no clock. Time and bytes come in as parameters; values come out.

pub mod alerts;
pub mod analytics;
pub mod autobaud;
pub mod calls;
pub mod dialect;
pub mod erlang;
pub mod framer;
pub mod health;
pub mod leds;
pub mod officeday;
pub mod record;
pub mod service;
pub mod uart;
