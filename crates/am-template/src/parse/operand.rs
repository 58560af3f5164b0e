//! Pipelines, commands and operands: the expression part of Go's `parse.go` (`pipeline`,
//! `checkPipeline`, `command`, `operand`, `term`).

use super::lex::ItemType;
use super::node::{
    Arg, BoolNode, ChainNode, CommandNode, FieldNode, IdentifierNode, PipeNode, StringNode,
};
use super::number::{NumberKind, new_number};
use super::parser::{PResult, Shared, TreeParser, new_variable};
use super::quote::{go_quote, unquote};

impl TreeParser {
    /// `declarations? command ('|' command)*`
    pub(super) fn pipeline(
        &mut self,
        sh: &mut Shared<'_>,
        context: &str,
        end: ItemType,
    ) -> PResult<PipeNode> {
        let token = self.peek_non_space(sh);
        let mut pipe = PipeNode {
            pos: token.pos,
            line: token.line,
            ..PipeNode::default()
        };
        'decls: loop {
            let v = self.peek_non_space(sh);
            if v.typ != ItemType::Variable {
                break;
            }
            self.next(sh);
            let token_after = self.peek(sh);
            let next = self.peek_non_space(sh);
            if next.typ == ItemType::Assign || next.typ == ItemType::Declare {
                pipe.is_assign = next.typ == ItemType::Assign;
                self.next_non_space(sh);
                pipe.decl.push(new_variable(v.pos, &v.val));
                self.vars.push(v.val.clone());
            } else if next.typ == ItemType::Char && next.val == "," {
                self.next_non_space(sh);
                pipe.decl.push(new_variable(v.pos, &v.val));
                self.vars.push(v.val.clone());
                if context == "range" && pipe.decl.len() < 2 {
                    match self.peek_non_space(sh).typ {
                        ItemType::Variable | ItemType::RightDelim | ItemType::RightParen => {
                            continue 'decls;
                        }
                        _ => return self.errorf(sh, "range can only initialize variables"),
                    }
                }
                return self.errorf(sh, format!("too many declarations in {context}"));
            } else if token_after.typ == ItemType::Space {
                self.backup3(v, token_after);
            } else {
                self.backup2(v);
            }
            break;
        }
        loop {
            let token = self.next_non_space(sh);
            match token.typ {
                t if t == end => {
                    self.check_pipeline(sh, &pipe, context)?;
                    return Ok(pipe);
                }
                ItemType::Bool
                | ItemType::CharConstant
                | ItemType::Complex
                | ItemType::Dot
                | ItemType::Field
                | ItemType::Identifier
                | ItemType::Number
                | ItemType::Nil
                | ItemType::RawString
                | ItemType::String
                | ItemType::Variable
                | ItemType::LeftParen => {
                    self.backup();
                    let cmd = self.command(sh)?;
                    pipe.cmds.push(cmd);
                }
                _ => return self.unexpected(sh, &token, context),
            }
        }
    }

    fn check_pipeline(&self, sh: &Shared<'_>, pipe: &PipeNode, context: &str) -> PResult<()> {
        if pipe.cmds.is_empty() {
            return self.errorf(sh, format!("missing value for {context}"));
        }
        for (i, c) in pipe.cmds.iter().enumerate().skip(1) {
            if matches!(
                c.args.first(),
                Some(Arg::Bool(_) | Arg::Dot(_) | Arg::Nil(_) | Arg::Number(_) | Arg::String(_))
            ) {
                return self.errorf(
                    sh,
                    format!("non executable command in pipeline stage {}", i + 1),
                );
            }
        }
        Ok(())
    }

    fn command(&mut self, sh: &mut Shared<'_>) -> PResult<CommandNode> {
        let mut cmd = CommandNode {
            pos: self.peek_non_space(sh).pos,
            args: Vec::new(),
        };
        loop {
            self.peek_non_space(sh);
            if let Some(op) = self.operand(sh)? {
                cmd.args.push(op);
            }
            let token = self.next(sh);
            match token.typ {
                ItemType::Space => continue,
                ItemType::RightDelim | ItemType::RightParen => self.backup(),
                ItemType::Pipe => {}
                _ => return self.unexpected(sh, &token, "operand"),
            }
            break;
        }
        if cmd.args.is_empty() {
            return self.errorf(sh, "empty command");
        }
        Ok(cmd)
    }

    fn operand(&mut self, sh: &mut Shared<'_>) -> PResult<Option<Arg>> {
        let Some(node) = self.term(sh)? else {
            return Ok(None);
        };
        if self.peek(sh).typ != ItemType::Field {
            return Ok(Some(node));
        }
        let pos = self.peek(sh).pos;
        let mut fields = Vec::new();
        while self.peek(sh).typ == ItemType::Field {
            let f = self.next(sh).val;
            fields.push(f[1..].to_string());
        }
        Ok(Some(match node {
            Arg::Field(mut f) => {
                f.pos = pos;
                f.ident.extend(fields);
                Arg::Field(f)
            }
            Arg::Variable(mut v) => {
                v.pos = pos;
                v.ident.extend(fields);
                Arg::Variable(v)
            }
            Arg::Bool(_) | Arg::String(_) | Arg::Number(_) | Arg::Nil(_) | Arg::Dot(_) => {
                let s = go_quote(&node.to_string());
                return self.errorf(sh, format!("unexpected . after term {s}"));
            }
            other => Arg::Chain(ChainNode {
                pos,
                node: Box::new(other),
                field: fields,
            }),
        }))
    }

    fn term(&mut self, sh: &mut Shared<'_>) -> PResult<Option<Arg>> {
        let token = self.next_non_space(sh);
        let arg = match token.typ {
            ItemType::Identifier => {
                if !sh.opts.skip_func_check && !(sh.has_function)(&token.val) {
                    return self
                        .errorf(sh, format!("function {} not defined", go_quote(&token.val)));
                }
                Arg::Identifier(IdentifierNode {
                    pos: token.pos,
                    ident: token.val,
                })
            }
            ItemType::Dot => Arg::Dot(token.pos),
            ItemType::Nil => Arg::Nil(token.pos),
            ItemType::Variable => {
                let v = new_variable(token.pos, &token.val);
                if !self.vars.iter().any(|n| *n == v.ident[0]) {
                    return self
                        .errorf(sh, format!("undefined variable {}", go_quote(&v.ident[0])));
                }
                Arg::Variable(v)
            }
            ItemType::Field => Arg::Field(FieldNode {
                pos: token.pos,
                ident: token.val[1..].split('.').map(str::to_string).collect(),
            }),
            ItemType::Bool => Arg::Bool(BoolNode {
                pos: token.pos,
                value: token.val == "true",
            }),
            ItemType::CharConstant | ItemType::Complex | ItemType::Number => {
                let kind = match token.typ {
                    ItemType::CharConstant => NumberKind::Char,
                    ItemType::Complex => NumberKind::Complex,
                    _ => NumberKind::Number,
                };
                match new_number(token.pos, &token.val, kind) {
                    Ok(n) => Arg::Number(n),
                    Err(e) => return self.errorf(sh, e),
                }
            }
            ItemType::LeftParen => {
                self.enter(sh)?;
                let r = self.pipeline(sh, "parenthesized pipeline", ItemType::RightParen);
                self.depth -= 1;
                Arg::Pipe(Box::new(r?))
            }
            ItemType::String | ItemType::RawString => match unquote(&token.val) {
                Ok(s) => Arg::String(StringNode {
                    pos: token.pos,
                    quoted: token.val,
                    text: s,
                }),
                Err(e) => return self.errorf(sh, e.to_string()),
            },
            _ => {
                self.backup();
                return Ok(None);
            }
        };
        Ok(Some(arg))
    }
}
