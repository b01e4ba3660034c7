//! 执法检查人员名录库: the officers a 双随机 draw sends, with their department, and the
//! sites each declared a conflict with (回避: a relative runs it, a past business tie…).

use rusqlite::params;
use serde::Serialize;

use super::{map_rows, time_text, StoreError, Workspace};

/// The migration of the officer register and the declared conflicts.
pub(crate) const OFFICER_REGISTER: &str = r#"
CREATE TABLE officers (
    name TEXT PRIMARY KEY,
    department TEXT NOT NULL,
    added_at TEXT NOT NULL);
CREATE TABLE officer_conflicts (
    officer TEXT NOT NULL REFERENCES officers(name),
    site_id TEXT NOT NULL,
    reason TEXT,
    declared_at TEXT NOT NULL,
    PRIMARY KEY (officer, site_id));
"#;

/// One officer of the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Officer {
    /// The officer's name (unique in the register).
    pub name: String,
    /// The department (市场监管, 教育, 消防…).
    pub department: String,
    /// The sites the officer declared a conflict with, sorted.
    pub conflicts: Vec<String>,
}

impl Workspace {
    /// Adds an officer to the register; a blank name or department, or a name already
    /// there, is refused.
    pub fn officer_add(&mut self, name: &str, department: &str) -> Result<Officer, StoreError> {
        let (name, department) = (name.trim(), department.trim());
        if name.is_empty() {
            return Err(StoreError::invalid("name", "姓名不能为空"));
        }
        if department.is_empty() {
            return Err(StoreError::invalid("department", "所属部门不能为空"));
        }
        let now = time_text(self.now()?);
        let actor = self.actor().clone();
        self.write(|tx| {
            let taken: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM officers WHERE name = ?1)",
                [name],
                |r| r.get(0),
            )?;
            if taken {
                return Err(StoreError::invalid(
                    "name",
                    format!("执法检查人员名录库中已有 {name}"),
                ));
            }
            tx.execute(
                "INSERT INTO officers (name, department, added_at) VALUES (?1, ?2, ?3)",
                params![name, department, now],
            )?;
            super::audit::record(tx, &actor, "officer add", name, department)?;
            Ok(())
        })?;
        Ok(Officer {
            name: name.to_string(),
            department: department.to_string(),
            conflicts: Vec::new(),
        })
    }

    /// Records that `officer` declared a conflict with `site_id` (both must exist); a
    /// repeated declaration keeps the first.
    pub fn officer_conflict_add(
        &mut self,
        officer: &str,
        site_id: &str,
        reason: Option<&str>,
    ) -> Result<(), StoreError> {
        let now = time_text(self.now()?);
        let actor = self.actor().clone();
        self.write(|tx| {
            let known: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM officers WHERE name = ?1)",
                [officer],
                |r| r.get(0),
            )?;
            if !known {
                return Err(StoreError::invalid(
                    "officer",
                    format!("执法检查人员名录库中没有 {officer}"),
                ));
            }
            let site: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM sites WHERE id = ?1)",
                [site_id],
                |r| r.get(0),
            )?;
            if !site {
                return Err(StoreError::invalid(
                    "site_id",
                    format!("检查对象名录库中没有机构 {site_id}"),
                ));
            }
            tx.execute(
                "INSERT OR IGNORE INTO officer_conflicts (officer, site_id, reason, declared_at) \
                 VALUES (?1, ?2, ?3, ?4)",
                params![officer, site_id, reason, now],
            )?;
            super::audit::record(tx, &actor, "officer conflict", officer, site_id)?;
            Ok(())
        })
    }

    /// The register, sorted by name, each officer with their declared conflicts.
    pub fn officers(&self) -> Result<Vec<Officer>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT name, department FROM officers ORDER BY name")?;
        let mut officers = map_rows(&mut stmt, [], |r| {
            Ok(Officer {
                name: r.get(0)?,
                department: r.get(1)?,
                conflicts: Vec::new(),
            })
        })?;
        let mut stmt = self.conn().prepare_cached(
            "SELECT officer, site_id FROM officer_conflicts ORDER BY officer, site_id",
        )?;
        let conflicts = map_rows(&mut stmt, [], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        for (officer, site) in conflicts {
            if let Some(o) = officers.iter_mut().find(|o| o.name == officer) {
                o.conflicts.push(site);
            }
        }
        Ok(officers)
    }

    /// The officers present at each site's latest inspection that names any (from the
    /// field app's evidence): they inspected it last time, so a draw recuses them.
    pub fn last_inspecting_officers(
        &self,
    ) -> Result<std::collections::HashMap<String, Vec<String>>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT i.site_id, e.officers FROM inspections i \
             JOIN inspection_evidence e ON e.inspection_id = i.id \
             WHERE e.officers != '[]' ORDER BY i.at, i.id",
        )?;
        let rows = map_rows(&mut stmt, [], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut out = std::collections::HashMap::new();
        for (site, officers) in rows {
            let names: Vec<String> = serde_json::from_str(&officers)
                .map_err(|_| StoreError::corrupt("evidence officers", &officers))?;
            out.insert(site, names);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workspace() -> Workspace {
        let mut ws = Workspace::in_memory().unwrap();
        ws.import_township(&crate::formats::township::load_sample().unwrap())
            .unwrap();
        ws
    }

    #[test]
    fn officers_keep_their_department_and_conflicts() {
        let mut ws = workspace();
        let site = ws.institutions().unwrap()[0].id.clone();
        ws.officer_add("张伟", "市场监管").unwrap();
        ws.officer_add("李娜", "教育").unwrap();
        ws.officer_conflict_add("张伟", &site, Some("亲属开办"))
            .unwrap();
        let officers = ws.officers().unwrap();
        assert_eq!(officers.len(), 2);
        let zhang = officers.iter().find(|o| o.name == "张伟").unwrap();
        assert_eq!(zhang.department, "市场监管");
        assert_eq!(zhang.conflicts, vec![site]);
    }

    #[test]
    fn bad_registrations_are_refused_in_chinese() {
        let mut ws = workspace();
        ws.officer_add("张伟", "市场监管").unwrap();
        let again = ws.officer_add("张伟", "教育").unwrap_err().to_string();
        assert!(again.contains("已有 张伟"), "{again}");
        assert!(ws.officer_add(" ", "教育").is_err());
        assert!(ws.officer_add("王", "").is_err());
        let unknown = ws
            .officer_conflict_add("赵六", "S001", None)
            .unwrap_err()
            .to_string();
        assert!(unknown.contains("没有 赵六"), "{unknown}");
        let no_site = ws
            .officer_conflict_add("张伟", "NOPE", None)
            .unwrap_err()
            .to_string();
        assert!(no_site.contains("NOPE"), "{no_site}");
    }
}
