//! smdrbox: reads SMDR call records from an office PBX and keeps them safe.
//! See ARCHITECTURE.md for the map.

pub mod alerts;
pub mod capture;
pub mod config;
pub mod core;
pub mod daemon;
pub mod erlang_cli;
pub mod export;
pub mod i18n;
pub mod import;
pub mod led;
pub mod logging;
pub mod notify;
pub mod phonebook;
pub mod reports;
pub mod ring;
pub mod settings;
pub mod simulate;
pub mod source;
pub mod status;
pub mod store;
pub mod web;
pub mod xlsx;
