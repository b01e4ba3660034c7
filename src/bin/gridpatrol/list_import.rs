//! `gridpatrol import institutions LIST` for a lead's list as it comes (a spreadsheet,
//! or a CSV without ids, types or coordinates): the preview (`--dry-run`), or the import
//! with the rows that need a position kept for the lead to place on the map.

use std::path::Path;

use anyhow::{Context, Result};
use gridpatrol::formats::fields::{self as f, match_header};
use gridpatrol::formats::leadlist::{self, PositionFrom};
use gridpatrol::formats::osm::addresses::AddressIndex;
use gridpatrol::formats::spreadsheet::{is_workbook, Sheet};
use gridpatrol::store::{ImportPreview, Workspace};

use crate::workspace::ImportArgs;

/// True for a spreadsheet, or a CSV that lacks the id or coordinate columns the strict
/// CSV import needs.
pub fn is_lead_list(file: &Path) -> Result<bool> {
    let name = file.display().to_string();
    if is_workbook(&name) {
        return Ok(true);
    }
    let lower = name.to_lowercase();
    if !(lower.ends_with(".csv") || lower.ends_with(".txt")) {
        return Ok(false);
    }
    let bytes = std::fs::read(file).with_context(|| format!("reading {name}"))?;
    let Ok(sheet) = Sheet::from_csv(&bytes, &name) else {
        return Ok(false); // the strict reader names the problem
    };
    let has = |spec: f::FieldSpec| {
        sheet
            .header
            .iter()
            .any(|h| match_header(&[spec], h).is_some())
    };
    Ok(!(has(f::ID) && has(f::LON) && has(f::LAT)))
}

/// The township's address look-up: the workspace's extract, else the bundled sample's.
pub fn address_index(ws: &Workspace) -> Result<AddressIndex> {
    let extract = crate::context::extract_of(None, ws)?;
    let loaded = crate::context::load_osm(extract.as_deref())?;
    Ok(AddressIndex::build(&loaded.osm))
}

/// Previews (`--dry-run`) or imports a lead's list of institutions.
pub fn import_list(args: &ImportArgs) -> Result<()> {
    let name = args.file.display().to_string();
    let bytes = std::fs::read(&args.file).with_context(|| format!("reading {name}"))?;
    let sheet = Sheet::read(&bytes, &name)?;
    let mut ws = args.ws.open()?;
    let index = address_index(&ws)?;
    let crs = args.crs.into();
    let list = leadlist::prepare(&sheet, &ws.institutions()?, Some(&index), crs);
    let preview = if args.dry_run {
        ws.preview_list(&list, crs)?
    } else {
        ws.confirm_list(&list, crs)?
    };
    if args.json {
        let mut v = serde_json::to_value(&preview)?;
        v["dry_run"] = args.dry_run.into();
        out!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(());
    }
    print_preview(&preview, args.dry_run)
}

fn print_preview(p: &ImportPreview, dry_run: bool) -> Result<()> {
    out!(
        "{}{}: added {}, changed {}, unchanged {}, refused {}, needs a position {}",
        if dry_run {
            "dry run, nothing written: "
        } else {
            ""
        },
        p.source,
        p.added.len(),
        p.changed.len(),
        p.unchanged,
        p.refused.len(),
        p.needs_position.len()
    );
    let columns: Vec<String> = p
        .columns
        .iter()
        .map(|c| format!("{} -> {}", c.header, c.field.unwrap_or("extra attribute")))
        .collect();
    out!("  columns: {}", columns.join(", "));
    if !p.filled.is_empty() {
        out!("  filled in: {}", p.filled.join(", "));
    }
    for a in &p.added {
        let from = match &a.position {
            PositionFrom::File => "coordinates in the list".to_string(),
            PositionFrom::Stored => "stored position".to_string(),
            PositionFrom::Found(hit) => format!("found by address: {}", hit.label),
        };
        out!("  add {} {} ({}; {from})", a.id, a.name, a.place);
    }
    for c in &p.changed {
        for x in &c.fields {
            out!(
                "  change {} {} {}: {:?} -> {:?}",
                c.id,
                c.name,
                x.field,
                x.before,
                x.after
            );
        }
    }
    for r in &p.refused {
        out!("  refuse {}: {}", r.place, r.reason);
    }
    for n in &p.needs_position {
        out!(
            "  needs a position {}: {} ({})",
            n.place,
            n.name,
            n.address.as_deref().unwrap_or("no address")
        );
    }
    Ok(())
}
