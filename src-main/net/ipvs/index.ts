// IPVS for a namespace (attach with Netfilter.attachIpvs) and the ipvsadm command.
export { Ipvs, IpvsError, IPVS_TIMEOUTS, type DestinationSpec, type ForwardMethod, type SchedulerName, type ServiceKey } from './ipvs.ts';
export { ipvsadm, listConnections, listIpvs, NO_IPVS_MESSAGE, saveIpvs, type CommandResult } from './ipvsadm.ts';
