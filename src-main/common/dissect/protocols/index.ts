// Loading this module registers every dissector in its table (each file registers itself on import).
import './data.ts';
import './eth.ts';
import './sll.ts';
import './arp.ts';
import './ipv4.ts';
import './ipv6.ts';
import './icmp.ts';
import './icmpv6.ts';
import './igmp.ts';
import './udp.ts';
import './tcp.ts';
import './vxlan.ts';
import './dns.ts';
import './esp.ts';
import './http.ts';
