//! Go's `path/filepath` `Match` and `Glob` on Unix, which Alertmanager uses to find template
//! files (`template.FromGlob`): `*` and `?` never match `/`, classes are `[a-z]` and `[^a-z]`,
//! `\` escapes the next character, there is no `**`, a leading `.` is matched like any other
//! character, and a malformed pattern is an error even when nothing would match. Results are
//! sorted per directory; unreadable directories are skipped silently.

use std::path::{Path, PathBuf};

/// Go's `filepath.ErrBadPattern`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("syntax error in pattern")]
pub struct BadPattern;

/// The files and directories matching `pattern` (`filepath.Glob`).
///
/// # Errors
/// A malformed pattern.
pub fn glob(pattern: &str) -> Result<Vec<PathBuf>, BadPattern> {
    glob_depth(pattern, 0)
}

fn glob_depth(pattern: &str, depth: usize) -> Result<Vec<PathBuf>, BadPattern> {
    matches(pattern, "")?;
    if !has_meta(pattern) {
        return Ok(if std::fs::symlink_metadata(pattern).is_ok() {
            vec![PathBuf::from(pattern)]
        } else {
            Vec::new()
        });
    }
    let (dir, file) = match pattern.rfind('/') {
        Some(i) => (&pattern[..=i], &pattern[i + 1..]),
        None => ("", pattern),
    };
    let dir = match dir {
        "" => ".",
        "/" => "/",
        d => &d[..d.len() - 1],
    };
    if !has_meta(dir) {
        let mut found = Vec::new();
        scan_dir(Path::new(dir), file, &mut found)?;
        return Ok(found);
    }
    if dir == pattern || depth > 10_000 {
        return Err(BadPattern);
    }
    let mut found = Vec::new();
    for d in glob_depth(dir, depth + 1)? {
        scan_dir(&d, file, &mut found)?;
    }
    Ok(found)
}

/// Adds the entries of `dir` whose names match `pattern`, in name order.
fn scan_dir(dir: &Path, pattern: &str, found: &mut Vec<PathBuf>) -> Result<(), BadPattern> {
    if !std::fs::metadata(dir).is_ok_and(|m| m.is_dir()) {
        return Ok(());
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    names.sort();
    for name in names {
        if matches(pattern, &name)? {
            found.push(if dir == Path::new(".") {
                PathBuf::from(name)
            } else {
                dir.join(name)
            });
        }
    }
    Ok(())
}

fn has_meta(path: &str) -> bool {
    path.contains(['*', '?', '[', '\\'])
}

/// Go's `filepath.Match`: whether all of `name` matches `pattern`.
///
/// # Errors
/// A malformed pattern (also reported when the name does not match).
pub fn matches(pattern: &str, name: &str) -> Result<bool, BadPattern> {
    let mut pattern = pattern.as_bytes();
    let mut name = name.as_bytes();
    'chunks: while !pattern.is_empty() {
        let (star, chunk, rest) = split_chunk(pattern);
        pattern = rest;
        if star && chunk.is_empty() {
            return Ok(!name.contains(&b'/'));
        }
        let attempt = match_chunk(chunk, name)?;
        if let Some(left) = attempt
            && (left.is_empty() || !pattern.is_empty())
        {
            name = left;
            continue;
        }
        if star {
            let mut i = 0;
            while i < name.len() && name[i] != b'/' {
                if let Some(left) = match_chunk(chunk, &name[i + 1..])?
                    && (!pattern.is_empty() || left.is_empty())
                {
                    name = left;
                    continue 'chunks;
                }
                i += 1;
            }
        }
        // No match: still report a malformed remainder of the pattern.
        while !pattern.is_empty() {
            let (_, chunk, rest) = split_chunk(pattern);
            pattern = rest;
            match_chunk(chunk, b"")?;
        }
        return Ok(false);
    }
    Ok(name.is_empty())
}

/// Leading stars, then the text up to the next star outside a class.
fn split_chunk(pattern: &[u8]) -> (bool, &[u8], &[u8]) {
    let stars = pattern.iter().take_while(|&&c| c == b'*').count();
    let pattern = &pattern[stars..];
    let mut in_class = false;
    let mut i = 0;
    while i < pattern.len() {
        match pattern[i] {
            b'\\' if i + 1 < pattern.len() => i += 1,
            b'[' => in_class = true,
            b']' => in_class = false,
            b'*' if !in_class => break,
            _ => {}
        }
        i += 1;
    }
    (stars > 0, &pattern[..i], &pattern[i..])
}

/// The first character of `s` and its length in bytes (a lone invalid byte counts as one
/// character that no class contains).
fn first_char(s: &[u8]) -> (Option<char>, usize) {
    let len = match s.first() {
        None => return (None, 0),
        Some(b) if *b < 0x80 => 1,
        Some(b) if *b >= 0xF0 => 4,
        Some(b) if *b >= 0xE0 => 3,
        Some(_) => 2,
    };
    match s.get(..len).and_then(|b| std::str::from_utf8(b).ok()) {
        Some(text) => (text.chars().next(), len),
        None => (None, 1),
    }
}

/// Matches one star-free chunk at the start of `s`, returning what is left of `s`; the whole
/// chunk is checked for syntax even after a mismatch.
fn match_chunk<'a>(mut chunk: &[u8], mut s: &'a [u8]) -> Result<Option<&'a [u8]>, BadPattern> {
    let mut failed = false;
    while let Some(&c) = chunk.first() {
        if s.is_empty() {
            failed = true;
        }
        match c {
            b'[' => {
                let mut current = None;
                if !failed {
                    let (ch, n) = first_char(s);
                    current = ch;
                    s = &s[n..];
                }
                chunk = &chunk[1..];
                let negated = chunk.first() == Some(&b'^');
                if negated {
                    chunk = &chunk[1..];
                }
                let mut hit = false;
                let mut ranges = 0;
                loop {
                    if chunk.first() == Some(&b']') && ranges > 0 {
                        chunk = &chunk[1..];
                        break;
                    }
                    let (lo, rest) = class_char(chunk)?;
                    chunk = rest;
                    let mut hi = lo;
                    if chunk.first() == Some(&b'-') {
                        let (h, rest) = class_char(&chunk[1..])?;
                        hi = h;
                        chunk = rest;
                    }
                    if current.is_some_and(|r| lo <= r && r <= hi) {
                        hit = true;
                    }
                    ranges += 1;
                }
                if hit == negated {
                    failed = true;
                }
            }
            b'?' => {
                if !failed {
                    if s[0] == b'/' {
                        failed = true;
                    }
                    let (_, n) = first_char(s);
                    s = &s[n.max(1)..];
                }
                chunk = &chunk[1..];
            }
            _ => {
                if c == b'\\' {
                    chunk = &chunk[1..];
                    if chunk.is_empty() {
                        return Err(BadPattern);
                    }
                }
                if !failed {
                    if chunk[0] != s[0] {
                        failed = true;
                    }
                    s = &s[1..];
                }
                chunk = &chunk[1..];
            }
        }
    }
    Ok(if failed { None } else { Some(s) })
}

/// One (possibly escaped) character of a class; it must not be the last thing in the chunk.
fn class_char(chunk: &[u8]) -> Result<(char, &[u8]), BadPattern> {
    let mut chunk = chunk;
    match chunk.first() {
        None | Some(b'-' | b']') => return Err(BadPattern),
        Some(b'\\') => {
            chunk = &chunk[1..];
            if chunk.is_empty() {
                return Err(BadPattern);
            }
        }
        Some(_) => {}
    }
    let (c, n) = first_char(chunk);
    let c = c.ok_or(BadPattern)?;
    let rest = &chunk[n..];
    if rest.is_empty() {
        return Err(BadPattern);
    }
    Ok((c, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn match_follows_go() {
        let m = |p: &str, n: &str| matches(p, n);
        assert_eq!(m("*.tmpl", "a.tmpl"), Ok(true));
        assert_eq!(m("*.tmpl", ".tmpl"), Ok(true));
        assert_eq!(m("*", "a/b"), Ok(false));
        assert_eq!(m("a?c", "abc"), Ok(true));
        assert_eq!(m("a?c", "a/c"), Ok(false));
        assert_eq!(m("[^a-c]x", "dx"), Ok(true));
        assert_eq!(m("[^a-c]x", "bx"), Ok(false));
        assert_eq!(m(r"\*", "*"), Ok(true));
        assert_eq!(m("a*b*c", "axxbyyc"), Ok(true));
        assert_eq!(m("a*b", "axbxc"), Ok(false));
        assert_eq!(m("[", "a"), Err(BadPattern));
        assert_eq!(m("x[", "a"), Err(BadPattern));
        assert_eq!(m("[]a]", "a"), Err(BadPattern));
        assert_eq!(m("a\\", "a"), Err(BadPattern));
        assert_eq!(m("[a-]", "a"), Err(BadPattern));
        assert_eq!(m("ü?", "üx"), Ok(true));
        assert_eq!(m("[ä-ü]", "ö"), Ok(true));
    }

    #[test]
    fn glob_lists_sorted_files() {
        let dir = std::env::temp_dir().join(format!("am-glob-test-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).expect("mkdir");
        for f in ["b.tmpl", "a.tmpl", "c.txt", "sub/d.tmpl"] {
            std::fs::write(dir.join(f), "").expect("write");
        }
        let base = dir.to_str().expect("utf-8 temp dir");
        let names = |p: &str| -> Vec<String> {
            glob(p)
                .expect("valid pattern")
                .iter()
                .map(|p| {
                    p.file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default()
                })
                .collect()
        };
        assert_eq!(names(&format!("{base}/*.tmpl")), ["a.tmpl", "b.tmpl"]);
        assert_eq!(names(&format!("{base}/*/*.tmpl")), ["d.tmpl"]);
        assert_eq!(names(&format!("{base}/c.txt")), ["c.txt"]);
        assert!(names(&format!("{base}/nope/*")).is_empty());
        assert_eq!(glob(&format!("{base}/[")), Err(BadPattern));
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }
}
