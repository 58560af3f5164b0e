//! Go `path/filepath` glob semantics (`Match` and `Glob` on Unix), used for the `templates:`
//! globs of a configuration file. Upstream loads templates with `filepath.Glob`, whose pattern
//! language differs from the `glob` crate's: classes are negated with `^`, `\` escapes, there is
//! no `**`, `*` matches leading dots, and a malformed pattern is an error (`ErrBadPattern`) even
//! when nothing would match.

use std::path::{Path, PathBuf};

/// The pattern is malformed (Go's `filepath.ErrBadPattern`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("syntax error in pattern")]
pub struct BadPattern;

/// Checks the whole pattern for syntax errors, as `filepath.Glob` does before touching the disk.
pub fn validate(pattern: &str) -> Result<(), BadPattern> {
    let mut rest = pattern;
    while !rest.is_empty() {
        let (_, chunk, tail) = scan_chunk(rest);
        match_chunk(chunk, "")?;
        rest = tail;
    }
    Ok(())
}

/// Expands a pattern into the existing paths it matches, sorted per directory like Go's
/// `filepath.Glob`. I/O errors while listing directories are ignored, as upstream does.
pub fn glob(pattern: &str) -> Result<Vec<PathBuf>, BadPattern> {
    validate(pattern)?;
    if !has_meta(pattern) {
        let path = PathBuf::from(pattern);
        return Ok(if std::fs::symlink_metadata(&path).is_ok() {
            vec![path]
        } else {
            vec![]
        });
    }
    let (dir, file) = match pattern.rfind('/') {
        Some(i) => (&pattern[..=i], &pattern[i + 1..]),
        None => ("", pattern),
    };
    let dir = clean_glob_dir(dir);
    let dirs: Vec<PathBuf> = if has_meta(&dir) {
        glob(&dir)?
    } else {
        vec![PathBuf::from(dir)]
    };
    let mut found = Vec::new();
    for d in dirs {
        found.extend(glob_in_dir(&d, file));
    }
    Ok(found)
}

fn glob_in_dir(dir: &Path, file_pattern: &str) -> Vec<PathBuf> {
    let Ok(meta) = std::fs::metadata(dir) else {
        return Vec::new();
    };
    if !meta.is_dir() {
        return Vec::new();
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    names.sort();
    names
        .into_iter()
        .filter(|name| match_from(file_pattern, name))
        .map(|name| dir.join(name))
        .collect()
}

/// Go's `cleanGlobPath`: `""` means the current directory and a trailing `/` is dropped.
fn clean_glob_dir(dir: &str) -> String {
    match dir {
        "" => ".".to_owned(),
        "/" => "/".to_owned(),
        _ => dir[..dir.len() - 1].to_owned(),
    }
}

fn has_meta(path: &str) -> bool {
    path.contains(['*', '?', '[', '\\'])
}

/// Splits off the next chunk: leading stars, then everything up to the next star that is not
/// inside a character class.
fn scan_chunk(pattern: &str) -> (bool, &str, &str) {
    let trimmed = pattern.trim_start_matches('*');
    let star = trimmed.len() != pattern.len();
    let bytes = trimmed.as_bytes();
    let mut in_range = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if i + 1 < bytes.len() => i += 1,
            b'[' => in_range = true,
            b']' => in_range = false,
            b'*' if !in_range => break,
            _ => {}
        }
        i += 1;
    }
    (star, &trimmed[..i], &trimmed[i..])
}

/// Reports whether `name` matches a validated pattern, with Go's `filepath.Match` semantics
/// (`*` and `?` never match `/`).
fn match_from(pattern: &str, mut name: &str) -> bool {
    let mut pattern = pattern;
    'chunks: while !pattern.is_empty() {
        let (star, chunk, tail) = scan_chunk(pattern);
        pattern = tail;
        if star && chunk.is_empty() {
            return !name.contains('/');
        }
        if let Ok(Some(t)) = match_chunk(chunk, name)
            && (t.is_empty() || !pattern.is_empty())
        {
            name = t;
            continue;
        }
        if star {
            for (i, c) in name.char_indices() {
                if c == '/' {
                    break;
                }
                let skipped = &name[i + c.len_utf8()..];
                if let Ok(Some(t)) = match_chunk(chunk, skipped) {
                    if pattern.is_empty() && !t.is_empty() {
                        continue;
                    }
                    name = t;
                    continue 'chunks;
                }
            }
        }
        return false;
    }
    name.is_empty()
}

/// Matches one chunk against the start of `s`, returning the rest of `s` on success. The whole
/// chunk is syntax-checked even after the match has failed.
fn match_chunk<'s>(mut chunk: &str, mut s: &'s str) -> Result<Option<&'s str>, BadPattern> {
    let mut failed = false;
    while let Some(c) = chunk.chars().next() {
        if !failed && s.is_empty() {
            failed = true;
        }
        match c {
            '[' => {
                let r = if failed {
                    None
                } else {
                    let r = s.chars().next();
                    s = &s[r.map_or(0, char::len_utf8)..];
                    r
                };
                chunk = &chunk[1..];
                let negated = chunk.starts_with('^');
                if negated {
                    chunk = &chunk[1..];
                }
                let mut matched = false;
                let mut ranges = 0;
                loop {
                    if chunk.starts_with(']') && ranges > 0 {
                        chunk = &chunk[1..];
                        break;
                    }
                    let (lo, rest) = class_char(chunk)?;
                    chunk = rest;
                    let mut hi = lo;
                    if let Some(after_dash) = chunk.strip_prefix('-') {
                        let (h, rest) = class_char(after_dash)?;
                        hi = h;
                        chunk = rest;
                    }
                    if r.is_some_and(|r| lo <= r && r <= hi) {
                        matched = true;
                    }
                    ranges += 1;
                }
                if matched == negated {
                    failed = true;
                }
            }
            '?' => {
                if !failed {
                    match s.chars().next() {
                        Some('/') | None => failed = true,
                        Some(ch) => s = &s[ch.len_utf8()..],
                    }
                }
                chunk = &chunk[1..];
            }
            _ => {
                let literal_at = if c == '\\' { 1 } else { 0 };
                chunk = &chunk[literal_at..];
                let Some(lit) = chunk.chars().next() else {
                    return Err(BadPattern);
                };
                if !failed {
                    if s.starts_with(lit) {
                        s = &s[lit.len_utf8()..];
                    } else {
                        failed = true;
                    }
                }
                chunk = &chunk[lit.len_utf8()..];
            }
        }
    }
    Ok(if failed { None } else { Some(s) })
}

/// One (possibly escaped) character of a class; it must be followed by more pattern.
fn class_char(chunk: &str) -> Result<(char, &str), BadPattern> {
    let chunk = match chunk.chars().next() {
        None | Some('-' | ']') => return Err(BadPattern),
        Some('\\') => &chunk[1..],
        Some(_) => chunk,
    };
    let c = chunk.chars().next().ok_or(BadPattern)?;
    let rest = &chunk[c.len_utf8()..];
    if rest.is_empty() {
        return Err(BadPattern);
    }
    Ok((c, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_like_go() {
        for good in [
            "*.tmpl",
            "a/b/*.tmpl",
            "[abc].tmpl",
            "[^a-z]x",
            "\\*",
            "[*]",
            "x?y",
            "",
            "*",
        ] {
            assert_eq!(validate(good), Ok(()), "{good:?}");
        }
        for bad in [
            "[", "a[", "[]", "[a-]", "[-a]", "x\\", "[a", "*[", "a/[^]", "[\\",
        ] {
            assert_eq!(validate(bad), Err(BadPattern), "{bad:?}");
        }
    }

    #[test]
    fn matches_like_go() {
        let cases = [
            ("*.tmpl", "a.tmpl", true),
            ("*.tmpl", ".hidden.tmpl", true),
            ("*.tmpl", "a.txt", false),
            ("*", "a/b", false),
            ("a*b", "axxb", true),
            ("a*b", "axxbc", false),
            ("a*b*c", "abxbc", true),
            ("[^a]x", "bx", true),
            ("[^a]x", "ax", false),
            ("[a-c]", "b", true),
            ("?", "/", false),
            ("\\*", "*", true),
            ("\\*", "a", false),
        ];
        for (pattern, name, want) in cases {
            assert_eq!(validate(pattern), Ok(()));
            assert_eq!(match_from(pattern, name), want, "{pattern:?} vs {name:?}");
        }
    }

    #[test]
    fn globs_files_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["b.tmpl", "a.tmpl", "c.txt"] {
            std::fs::write(dir.path().join(name), "x").unwrap();
        }
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("sub/d.tmpl"), "x").unwrap();
        let base = dir.path().to_str().unwrap();
        let found = glob(&format!("{base}/*.tmpl")).unwrap();
        let names: Vec<_> = found
            .iter()
            .map(|p| p.file_name().unwrap().to_owned())
            .collect();
        assert_eq!(names, ["a.tmpl", "b.tmpl"]);
        assert_eq!(glob(&format!("{base}/s*/*.tmpl")).unwrap().len(), 1);
        assert!(glob(&format!("{base}/none*.tmpl")).unwrap().is_empty());
        assert_eq!(glob(&format!("{base}/c.txt")).unwrap().len(), 1);
        assert_eq!(glob(&format!("{base}/[.tmpl")), Err(BadPattern));
    }
}
