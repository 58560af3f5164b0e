//! Configuration errors. Each names the file, the line and the YAML path of the offending node,
//! and prints as `alertmanager.yml:14: route.routes[2].matchers[0]: <message>`.

use std::fmt;

use crate::yaml::YamlPath;

/// One problem found in a configuration file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// The file name as given by the user (None when loading from a string).
    pub file: Option<String>,
    /// 1-based line of the offending node, when known.
    pub line: Option<u32>,
    /// Where in the document the problem is (root for document-wide problems).
    pub path: YamlPath,
    /// What is wrong, lowercase, no trailing period.
    pub message: String,
    /// An optional hint ("did you mean `group_wait`?"), printed after the message.
    pub hint: Option<String>,
}

impl ConfigError {
    /// A new error at `path` with no line or file yet; the loader fills those in.
    pub fn at(path: YamlPath, message: impl Into<String>) -> Self {
        Self {
            file: None,
            line: None,
            path,
            message: message.into(),
            hint: None,
        }
    }

    /// Adds a hint.
    #[must_use]
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, self.line) {
            (Some(file), Some(line)) => write!(f, "{file}:{line}: ")?,
            (Some(file), None) => write!(f, "{file}: ")?,
            (None, Some(line)) => write!(f, "line {line}: ")?,
            (None, None) => {}
        }
        if !self.path.is_root() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, " ({hint})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}

/// All problems found in one load, in document order; never empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl ConfigErrors {
    /// Wraps a single error.
    pub fn one(error: ConfigError) -> Self {
        Self(vec![error])
    }
}

impl From<ConfigError> for ConfigErrors {
    fn from(error: ConfigError) -> Self {
        Self::one(error)
    }
}

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}
