//! Tredegar's one integration test binary. Every test starts the real server
//! on 127.0.0.1:0 and talks HTTP to it, on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::disallowed_methods, clippy::indexing_slicing)]

mod accessibility;
mod accounts;
mod admin;
mod aid;
mod aid_ranking;
mod api;
mod asks;
mod browser;
mod browser_aid;
mod browser_campaigns;
mod calls;
mod campaigns;
mod conversations;
mod edge;
mod events;
mod export;
mod helpers;
mod imports;
mod invitations;
mod isolation;
mod jobs;
mod ladder;
mod listening;
mod lists;
mod mail;
mod mailbox;
mod ops;
mod parsons;
mod people;
mod petitions;
mod places;
mod power_maps;
mod relationships;
mod representatives;
mod routes;
mod schemathesis;
mod search;
mod segments;
mod storage;
mod structure;
mod tags;
mod throttle;
mod uploads;
mod walks;
