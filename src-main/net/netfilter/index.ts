// Netfilter for a namespace: iptables tables and commands, conntrack, NAT; see netfilter.ts for the hook contract.
export { Netfilter, type HookResult, type IpvsHook, type NetfilterOptions, type PacketMeta, type RejectDescription, type Verdict } from './netfilter.ts';
export { Conntrack, DEFAULT_TIMEOUTS, formatEntry, type CtEntry, type CtInfo, type CtRef, type Tuple } from './conntrack.ts';
export { conntrackCommand, type ConntrackCommandResult } from './conntrack-cmd.ts';
export { iptables, iptablesLine, splitWords, type CommandResult, type IptablesOptions } from './iptables.ts';
export { listRules, listTable, saveTables, type ListOptions, type SaveOptions } from './format.ts';
export { buildRejectReply, type RejectReplyOptions } from './reject.ts';
export { readIp, type IpInfo } from './ipbytes.ts';
export { BUILTIN_CHAINS, TABLE_NAMES, type HookName, type RuleSpec, type TableName } from './rules.ts';
