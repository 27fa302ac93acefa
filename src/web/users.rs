//! The page's accounts: a small JSON file beside the database (`users.json`, mode 0600), plus
//! an optional admin password hash from the configuration (`[web] admin_password_hash`).
//!
//! A file and not a table: the technician must be able to log in and read the status page
//! exactly when the database is broken or its partition read-only. Written atomically (a temp
//! file, fsync, rename, fsync of the directory), so a power cut leaves the old or the new list.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::auth::{self, Role};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub name: String,
    pub role: Role,
    /// argon2id PHC string.
    pub hash: String,
}

/// Where the accounts are: the file, and the configuration's admin.
#[derive(Debug, Clone)]
pub struct Users {
    path: PathBuf,
    /// `[web] admin_password_hash`: user `admin`, always present, not changeable on the page.
    config_admin: Option<String>,
}

/// The name the configuration's hash belongs to.
pub const CONFIG_ADMIN: &str = "admin";

impl Users {
    pub fn new(path: PathBuf, config_admin: Option<String>) -> Users {
        Users { path, config_admin }
    }

    /// `users.json` in the directory of the database at `db`.
    pub fn beside(db: &Path, config_admin: Option<String>) -> Users {
        let dir = db.parent().unwrap_or(Path::new("."));
        Users::new(dir.join("users.json"), config_admin)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether `name` is the configuration's admin (its password is changed in the config).
    pub fn is_config_admin(&self, name: &str) -> bool {
        self.config_admin.is_some() && name == CONFIG_ADMIN
    }

    /// Every account: the configuration's admin first, then the file's (a file entry of the
    /// same name is shadowed). A missing file is no accounts; an unreadable one is an error.
    pub fn list(&self) -> Result<Vec<User>, String> {
        let mut out = Vec::new();
        if let Some(h) = &self.config_admin {
            out.push(User {
                name: CONFIG_ADMIN.into(),
                role: Role::Admin,
                hash: h.clone(),
            });
        }
        match std::fs::read(&self.path) {
            Ok(bytes) => {
                let file: Vec<User> = serde_json::from_slice(&bytes)
                    .map_err(|e| format!("{}: {e}", self.path.display()))?;
                out.extend(file.into_iter().filter(|u| !self.is_config_admin(&u.name)));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(format!("{}: {e}", self.path.display())),
        }
        Ok(out)
    }

    /// The account `name` if `password` is its password.
    pub fn verify(&self, name: &str, password: &str) -> Result<Option<User>, String> {
        Ok(self
            .list()?
            .into_iter()
            .find(|u| u.name == name)
            .filter(|u| auth::verify_password(&u.hash, password)))
    }

    /// Add or replace `name` with a new password.
    pub fn set(&self, name: &str, role: Role, password: &str) -> Result<(), String> {
        check_name(name)?;
        auth::check_new_password(password)?;
        if self.is_config_admin(name) {
            return Err(format!(
                "{name}'s password is set in the configuration ([web] admin_password_hash)"
            ));
        }
        let hash = auth::hash_password(password)?;
        let mut users = self.file_users()?;
        match users.iter_mut().find(|u| u.name == name) {
            Some(u) => {
                u.role = role;
                u.hash = hash;
            }
            None => users.push(User {
                name: name.into(),
                role,
                hash,
            }),
        }
        self.write(&users)
    }

    /// Remove `name`; the last admin cannot be removed.
    pub fn remove(&self, name: &str) -> Result<(), String> {
        if self.is_config_admin(name) {
            return Err(format!("{name} is set in the configuration"));
        }
        let mut users = self.file_users()?;
        let before = users.len();
        users.retain(|u| u.name != name);
        if users.len() == before {
            return Err(format!("no user {name:?}"));
        }
        let admins = self.config_admin.iter().count()
            + users.iter().filter(|u| u.role == Role::Admin).count();
        if admins == 0 {
            return Err("the last admin cannot be removed".into());
        }
        self.write(&users)
    }

    fn file_users(&self) -> Result<Vec<User>, String> {
        Ok(self
            .list()?
            .into_iter()
            .filter(|u| !self.is_config_admin(&u.name))
            .collect())
    }

    fn write(&self, users: &[User]) -> Result<(), String> {
        let ctx = |e: std::io::Error| format!("writing {}: {e}", self.path.display());
        let dir = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(ctx)?;
        let tmp = self.path.with_extension("json.tmp");
        let json = serde_json::to_vec_pretty(users).map_err(|e| e.to_string())?;
        {
            use std::os::unix::fs::OpenOptionsExt;
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true)
                .mode(0o600)
                .open(&tmp)
                .map_err(ctx)?;
            f.write_all(&json).map_err(ctx)?;
            f.sync_all().map_err(ctx)?;
        }
        std::fs::rename(&tmp, &self.path).map_err(ctx)?;
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }
}

/// A user name: 1 to 32 letters, digits, `.`, `_` or `-`.
pub fn check_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.chars().count() <= 32
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err("a user name is 1 to 32 letters, digits, '.', '_' or '-'".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_in_a_private_file() {
        let dir = tempfile::tempdir().unwrap();
        let users = Users::beside(&dir.path().join("data/smdrbox.db"), None);
        assert_eq!(users.list().unwrap(), vec![]);
        users.set("anna", Role::Admin, "first password").unwrap();
        users.set("boss", Role::Manager, "second password").unwrap();
        assert_eq!(users.list().unwrap().len(), 2);
        let u = users.verify("boss", "second password").unwrap().unwrap();
        assert_eq!(u.role, Role::Manager);
        assert!(users.verify("boss", "first password").unwrap().is_none());
        assert!(users.verify("nobody", "first password").unwrap().is_none());
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(users.path())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        let text = std::fs::read_to_string(users.path()).unwrap();
        assert!(!text.contains("second password"));
        // Replace, remove; the last admin stays.
        users.set("boss", Role::Admin, "third password").unwrap();
        assert!(users.verify("boss", "third password").unwrap().is_some());
        users.remove("anna").unwrap();
        assert_eq!(
            users.remove("boss").unwrap_err(),
            "the last admin cannot be removed"
        );
        assert!(users.remove("ghost").is_err());
        assert!(users.set("bad name", Role::Manager, "long enough").is_err());
        assert!(users.set("ok", Role::Manager, "short").is_err());
    }

    #[test]
    fn the_configured_admin_comes_first_and_stays() {
        let dir = tempfile::tempdir().unwrap();
        let hash = auth::hash_password("from the config").unwrap();
        let users = Users::beside(&dir.path().join("x.db"), Some(hash));
        assert!(users.verify("admin", "from the config").unwrap().is_some());
        assert!(users.set("admin", Role::Admin, "another one").is_err());
        assert!(users.remove("admin").is_err());
        users.set("m", Role::Manager, "manager pw!").unwrap();
        // Even the file's only user may go: the configured admin remains.
        users.remove("m").unwrap();
        std::fs::write(users.path(), b"{not json").unwrap();
        assert!(users.list().unwrap_err().contains("users.json"));
    }
}
