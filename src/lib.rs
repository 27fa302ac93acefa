//! smdrbox: reads SMDR call records from an office PBX and keeps them safe.
//! See ARCHITECTURE.md for the map.

pub mod config;
pub mod core;
pub mod ring;
pub mod status;
