//! Column alignment as Go's `text/tabwriter` does it with the settings amtool's formatters use
//! (`tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)`, upstream `cli/format/format_*.go`): cells end at
//! a tab, the text after a line's last tab is not aligned, a column block is a run of
//! consecutive lines that have a cell in that column, each cell is padded with spaces to the
//! block's widest cell plus two, and a line without any tab ends every block.

/// Aligns `text` (tab-separated cells, newline-terminated lines) like Go's tabwriter.
pub fn align(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut lines: Vec<&str> = text.split('\n').collect();
    // `split` yields the (empty) text after the final newline; a non-empty rest is a last
    // line without a newline, which Go's Flush writes as is.
    let partial = lines.pop().filter(|rest| !rest.is_empty());
    let mut segment: Vec<Vec<&str>> = Vec::new();
    for line in lines {
        let cells: Vec<&str> = line.split('\t').collect();
        let single = cells.len() == 1;
        segment.push(cells);
        if single {
            // A line without tabs flushes: blocks never continue across it.
            format_block(&mut out, &segment, 0, segment.len(), &mut Vec::new());
            segment.clear();
        }
    }
    format_block(&mut out, &segment, 0, segment.len(), &mut Vec::new());
    if let Some(rest) = partial {
        out.push_str(rest);
    }
    out
}

/// Go's `Writer.format`: finds column blocks recursively and writes lines `line0..line1`.
fn format_block(
    out: &mut String,
    lines: &[Vec<&str>],
    mut line0: usize,
    line1: usize,
    widths: &mut Vec<usize>,
) {
    let column = widths.len();
    let mut this = line0;
    while this < line1 {
        if column + 1 >= lines[this].len() {
            this += 1;
            continue;
        }
        write_lines(out, lines, line0, this, widths);
        line0 = this;
        let mut width = 0;
        while this < line1 && column + 1 < lines[this].len() {
            width = width.max(lines[this][column].chars().count() + 2);
            this += 1;
        }
        widths.push(width);
        format_block(out, lines, line0, this, widths);
        widths.pop();
        line0 = this;
    }
    write_lines(out, lines, line0, line1, widths);
}

fn write_lines(
    out: &mut String,
    lines: &[Vec<&str>],
    line0: usize,
    line1: usize,
    widths: &[usize],
) {
    for line in &lines[line0..line1] {
        for (j, cell) in line.iter().enumerate() {
            out.push_str(cell);
            if j < widths.len() && j + 1 < line.len() {
                let pad = widths[j].saturating_sub(cell.chars().count());
                out.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::align;

    #[test]
    fn pads_to_the_widest_cell_plus_two() {
        assert_eq!(align("a\tbb\t\nccc\td\t\n"), "a    bb  \nccc  d   \n");
    }

    #[test]
    fn trailing_text_is_not_aligned() {
        assert_eq!(
            align("Cluster Status:\tready\nNode Name:\tx\n"),
            "Cluster Status:  ready\nNode Name:       x\n"
        );
    }

    #[test]
    fn a_line_without_tabs_ends_the_blocks() {
        let got = align("k:\tv\nlonger key:\tv\n\nAddress\tName\n1.2.3.4:9094\tn\t\n");
        assert_eq!(
            got,
            "k:           v\nlonger key:  v\n\nAddress       Name\n1.2.3.4:9094  n  \n"
        );
    }

    #[test]
    fn shorter_lines_split_column_blocks() {
        assert_eq!(align("a\tb\nxx\nccc\td\n"), "a  b\nxx\nccc  d\n");
    }
}
