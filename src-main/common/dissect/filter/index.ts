// The display filter: Wireshark's syntax over the fields the dissectors declare.
//
//   const r = compileFilter('ip.addr == 10.0.1.5 && !icmp');
//   if (!r.ok) showError(r.error.message, r.error.start, r.error.end);
//   else rows.filter((f) => r.filter.test(collectFields(f.bytes, f.meta, ctx).values));
export { compileFilter, typeName, type CompileResult, type DisplayFilter, type FilterErrorInfo } from './compile.ts';
export { parse, type Ast } from './parser.ts';
export { tokenize, FilterError, type Token } from './lexer.ts';
