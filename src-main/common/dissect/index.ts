// Dissection for the capture views and the display filter: Wireshark's model (fields in tables, dissector
// tables, a tree whose every item knows its byte range) over the wire/ codecs.
export { dissect, summarize, collectFields, CaptureContext, LINKTYPE_ETHERNET, LINKTYPE_RAW, LINKTYPE_IPV4, LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2, type FrameMeta, type Summary } from './dissect.ts';
export { fieldsOf, nodeAt, type Tree, type TreeNode, type DataSource, type FieldValues } from './tree.ts';
export { fields, lookupField, allFields } from './registry.ts';
export { formatValue, formatLabel, valueToFieldText, type FieldDef, type FieldType, type FieldValue } from './field.ts';
export { registerDissector, registerNamed, type Dissector, type Packet, type TableName } from './table.ts';
export { compileFilter, FilterError, type CompileResult, type DisplayFilter, type FilterErrorInfo } from './filter/index.ts';
