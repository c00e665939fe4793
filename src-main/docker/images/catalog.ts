// The images tutorials use (daemon/contracts.ts ImageDefinition): userland, ENTRYPOINT/CMD, EXPOSE, ENV, files,
// and the program that runs when the main process is the image's service. Base images (alpine, busybox, debian,
// ubuntu, centos, netshoot) have no program: their command runs in the container's shell, where `sleep 1000` or
// `tail -f /dev/null` keeps them running. An image the lab does not know runs as a plain busybox container whose
// log says so (`unknownImage`). `IMAGE_TOOLS` declares the commands each image has, for the shell's tool set.

import { composeCatalog, parseImageRef } from '../daemon/images.ts';
import type { ContainerProgram, ImageDefinition, ProgramContext } from '../daemon/contracts.ts';
import { consulProgram, dockerTutorialProgram, whoamiProgram } from './goapps.ts';
import { elasticsearchProgram } from './elasticsearch.ts';
import { redisProgram } from './redis.ts';
import { trainingwheelsProgram } from './trainingwheels.ts';
import { HTTPD_FILES, HTTPD_VERSION, NGINX_FILES, NGINX_VERSION, httpdProgram, nginxProgram } from './webservers.ts';

const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** A program for argv when its command (after an entrypoint script, which execs it) is `binary`. */
function when(binary: string | readonly string[], make: () => ContainerProgram): (argv: readonly string[]) => ContainerProgram | undefined {
  const names = typeof binary === 'string' ? [binary] : binary;
  return (argv) => {
    const rest = /entrypoint[^/]*\.sh$/.test(argv[0] ?? '') ? argv.slice(1) : argv;
    const bin = (rest[0] ?? '').split('/').pop()!;
    return names.includes(bin) ? make() : undefined;
  };
}

const osRelease = {
  alpine: 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.21.3\nPRETTY_NAME="Alpine Linux v3.21"\nHOME_URL="https://alpinelinux.org/"\nBUG_REPORT_URL="https://gitlab.alpinelinux.org/alpine/aports/-/issues"\n',
  debian: 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\nHOME_URL="https://www.debian.org/"\nSUPPORT_URL="https://www.debian.org/support"\nBUG_REPORT_URL="https://bugs.debian.org/"\n',
  ubuntu: 'PRETTY_NAME="Ubuntu 24.04.2 LTS"\nNAME="Ubuntu"\nVERSION_ID="24.04"\nVERSION="24.04.2 LTS (Noble Numbat)"\nVERSION_CODENAME=noble\nID=ubuntu\nID_LIKE=debian\nHOME_URL="https://www.ubuntu.com/"\nUBUNTU_CODENAME=noble\n',
  centos: 'NAME="CentOS Linux"\nVERSION="7 (Core)"\nID="centos"\nID_LIKE="rhel fedora"\nVERSION_ID="7"\nPRETTY_NAME="CentOS Linux 7 (Core)"\nHOME_URL="https://www.centos.org/"\n',
} as const;

/** Every image the lab models, base images included. */
export const IMAGES: readonly ImageDefinition[] = [
  { name: 'alpine', userland: 'busybox', cmd: ['/bin/sh'], exposedPorts: [], env: { PATH }, files: { '/etc/os-release': osRelease.alpine, '/etc/alpine-release': '3.21.3\n' } },
  { name: 'busybox', userland: 'busybox', cmd: ['sh'], exposedPorts: [], env: { PATH } },
  { name: 'debian', userland: 'gnu', cmd: ['bash'], exposedPorts: [], env: { PATH }, files: { '/etc/os-release': osRelease.debian, '/etc/debian_version': '12.10\n' } },
  { name: 'ubuntu', userland: 'gnu', cmd: ['/bin/bash'], exposedPorts: [], env: { PATH }, files: { '/etc/os-release': osRelease.ubuntu } },
  { name: 'centos', userland: 'gnu', cmd: ['/bin/bash'], exposedPorts: [], env: { PATH }, files: { '/etc/os-release': osRelease.centos, '/etc/centos-release': 'CentOS Linux release 7.9.2009 (Core)\n' } },
  { name: 'nicolaka/netshoot', userland: 'gnu', cmd: ['zsh'], exposedPorts: [], env: { PATH } },
  {
    name: 'nginx',
    userland: 'gnu',
    entrypoint: ['/docker-entrypoint.sh'],
    cmd: ['nginx', '-g', 'daemon off;'],
    exposedPorts: ['80/tcp'],
    env: { PATH, NGINX_VERSION, NJS_VERSION: '0.8.10', NJS_RELEASE: '1~bookworm', PKG_RELEASE: '1~bookworm', DYNPKG_RELEASE: '1~bookworm' },
    files: { ...NGINX_FILES, '/etc/os-release': osRelease.debian },
    program: when('nginx', nginxProgram),
    stopSignal: 'SIGQUIT',
  },
  {
    name: 'httpd',
    userland: 'gnu',
    cmd: ['httpd-foreground'],
    exposedPorts: ['80/tcp'],
    env: { PATH: `/usr/local/apache2/bin:${PATH}`, HTTPD_PREFIX: '/usr/local/apache2', HTTPD_VERSION },
    workdir: '/usr/local/apache2',
    files: { ...HTTPD_FILES, '/etc/os-release': osRelease.debian },
    program: when(['httpd-foreground', 'httpd'], httpdProgram),
  },
  {
    name: 'redis',
    userland: 'gnu',
    entrypoint: ['docker-entrypoint.sh'],
    cmd: ['redis-server'],
    exposedPorts: ['6379/tcp'],
    env: { PATH, REDIS_VERSION: '7.4.2' },
    workdir: '/data',
    files: { '/etc/os-release': osRelease.debian },
    program: when('redis-server', redisProgram),
  },
  {
    name: 'elasticsearch',
    tags: ['2', '2.4', '2.4.6'],
    userland: 'gnu',
    entrypoint: ['/docker-entrypoint.sh'],
    cmd: ['elasticsearch'],
    exposedPorts: ['9200/tcp', '9300/tcp'],
    env: { PATH: `/usr/share/elasticsearch/bin:${PATH}`, ELASTICSEARCH_VERSION: '2.4.6', JAVA_HOME: '/usr/lib/jvm/java-8-openjdk-amd64/jre', LANG: 'C.UTF-8' },
    workdir: '/usr/share/elasticsearch',
    files: { '/etc/os-release': osRelease.debian },
    program: when('elasticsearch', elasticsearchProgram),
  },
  {
    name: 'jpetazzo/trainingwheels',
    userland: 'gnu',
    cmd: ['python', 'app.py'],
    exposedPorts: ['5000/tcp'],
    env: { PATH, LANG: 'C.UTF-8', PYTHON_VERSION: '2.7.13' },
    workdir: '/src',
    files: { '/etc/os-release': osRelease.debian },
    program: (argv) => (argv.some((a) => a.endsWith('app.py')) ? trainingwheelsProgram() : undefined),
  },
  {
    name: 'vividbreeze/docker-tutorial',
    userland: 'gnu',
    cmd: ['java', '-jar', 'docker-tutorial.jar'],
    exposedPorts: ['8080/tcp'],
    env: { PATH },
    files: { '/etc/os-release': osRelease.debian },
    program: when('java', dockerTutorialProgram),
  },
  {
    name: 'progrium/consul',
    userland: 'busybox',
    entrypoint: ['/bin/start'],
    cmd: [],
    exposedPorts: ['53/udp', '8300/tcp', '8301/tcp', '8301/udp', '8302/tcp', '8302/udp', '8400/tcp', '8500/tcp'],
    env: { PATH, SHELL: '/bin/bash', GOMAXPROCS: '2' },
    program: (argv) => (argv[0] === '/bin/start' || argv.includes('consul') ? consulProgram() : undefined),
  },
  {
    name: 'traefik/whoami',
    userland: 'busybox',
    entrypoint: ['/whoami'],
    cmd: [],
    exposedPorts: ['80/tcp'],
    env: { PATH },
    program: (argv) => (argv[0] === '/whoami' || argv[0] === 'whoami' ? whoamiProgram() : undefined),
  },
];

const BUSYBOX_TOOLS = ['sh', 'ash', 'ping', 'ping6', 'nslookup', 'wget', 'nc', 'telnet', 'traceroute', 'ip', 'ifconfig', 'route', 'netstat', 'arp', 'hostname', 'httpd', 'udhcpc', 'sleep', 'tail', 'cat', 'echo', 'env', 'ps', 'kill', 'top', 'vi'];
const DEBIAN_BASE = ['bash', 'sh', 'cat', 'echo', 'env', 'hostname', 'getent', 'sleep', 'tail', 'ps', 'kill', 'apt-get', 'apt'];

/**
 * The network tools each image has out of the box (`present`) and those its package manager adds (`installable`:
 * `apk add curl`, `apt-get install -y iputils-ping curl dnsutils`). An image missing here has only what its
 * userland implies; `[]` means no shell at all (whoami is FROM scratch: `docker exec` finds no `sh`).
 */
export const IMAGE_TOOLS: Readonly<Record<string, { readonly present: readonly string[]; readonly installable?: Readonly<Record<string, readonly string[]>> }>> = {
  alpine: { present: [...BUSYBOX_TOOLS, 'apk'], installable: { curl: ['curl'], 'bind-tools': ['dig', 'nslookup', 'host'], drill: ['drill'], tcpdump: ['tcpdump'], iperf3: ['iperf3'], iproute2: ['ip', 'ss'], 'iputils-ping': ['ping'], bash: ['bash'] } },
  busybox: { present: BUSYBOX_TOOLS },
  debian: { present: DEBIAN_BASE, installable: { 'iputils-ping': ['ping'], curl: ['curl'], dnsutils: ['dig', 'nslookup', 'host'], ldnsutils: ['drill'], iproute2: ['ip', 'ss'], 'net-tools': ['ifconfig', 'route', 'netstat'], tcpdump: ['tcpdump'], 'netcat-openbsd': ['nc'], iperf3: ['iperf3'] } },
  ubuntu: { present: DEBIAN_BASE, installable: { 'iputils-ping': ['ping'], curl: ['curl'], dnsutils: ['dig', 'nslookup', 'host'], ldnsutils: ['drill'], iproute2: ['ip', 'ss'], 'net-tools': ['ifconfig', 'route', 'netstat'], tcpdump: ['tcpdump'], 'netcat-openbsd': ['nc'], iperf3: ['iperf3'] } },
  centos: { present: ['bash', 'sh', 'cat', 'echo', 'env', 'hostname', 'getent', 'sleep', 'tail', 'ps', 'kill', 'ping', 'curl', 'ip', 'yum'], installable: { 'bind-utils': ['dig', 'nslookup', 'host'], ldns: ['drill'], tcpdump: ['tcpdump'], 'net-tools': ['ifconfig', 'route', 'netstat'], nc: ['nc'], iperf3: ['iperf3'] } },
  'nicolaka/netshoot': { present: ['zsh', 'bash', 'sh', 'ping', 'curl', 'wget', 'dig', 'nslookup', 'host', 'drill', 'tcpdump', 'tshark', 'iperf', 'iperf3', 'nc', 'socat', 'nmap', 'ip', 'ss', 'ifconfig', 'route', 'netstat', 'arp', 'iptables', 'ipvsadm', 'bridge', 'traceroute', 'mtr', 'ethtool', 'conntrack', 'hostname', 'getent', 'sleep', 'tail', 'cat', 'echo'] },
  nginx: { present: [...DEBIAN_BASE, 'curl', 'nginx'] },
  httpd: { present: [...DEBIAN_BASE, 'httpd'] },
  redis: { present: [...DEBIAN_BASE, 'redis-cli', 'redis-server'] },
  elasticsearch: { present: [...DEBIAN_BASE, 'curl', 'wget'] },
  'jpetazzo/trainingwheels': { present: [...DEBIAN_BASE, 'curl', 'wget', 'python'] },
  'vividbreeze/docker-tutorial': { present: DEBIAN_BASE },
  'progrium/consul': { present: [...BUSYBOX_TOOLS, 'bash', 'curl', 'consul'] },
  'traefik/whoami': { present: [] },
};

/** The line an unknown image's container writes to stderr (and so to `docker logs`). */
export function unmodelledNote(ref: string): string {
  return `flotilla: the image "${ref}" has no modelled service in this lab; its command runs in a plain busybox shell`;
}

/** An image the catalog does not know: busybox userland, `sh`, and the note on stderr before the command runs. */
export function unknownImage(ref: string): ImageDefinition {
  const r = parseImageRef(ref);
  return {
    name: r.repository,
    userland: 'busybox',
    cmd: ['sh'],
    exposedPorts: [],
    env: { PATH },
    unmodelled: true,
    program: () => ({
      start: async (ctx: ProgramContext) => {
        ctx.logError(unmodelledNote(ctx.container.image));
        const code = await ctx.run(ctx.args, { stdout: (t) => ctx.log(t.replace(/\n$/, '')), stderr: (t) => ctx.logError(t.replace(/\n$/, '')) });
        ctx.exit(code);
      },
    }),
  };
}

/** The catalog the world hands the daemon: every modelled image. */
export function imageCatalog() {
  return composeCatalog(IMAGES);
}
