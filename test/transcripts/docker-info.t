# docker info: the layout of the node's engine, with the lab's counts, swarm state and name; -f through the
# Go-template engine of docker inspect. An engine older than 19.03 prints the server's lines alone.
$ docker-machine create sw1
...
$ docker-machine create sw2
...
$ flotilla node add old --engine 17.06.2
node old: 192.168.99.102/24, Docker Engine 17.06.2-ce
sw1$ docker info -f '{{.Swarm.LocalNodeState}} {{.Containers}} {{.Name}}'
inactive 0 sw1
sw1$ docker run -d --name web nginx
[0-9a-f]{64} (re)
sw1$ docker run --name done alpine true
sw1$ docker swarm init --advertise-addr 192.168.99.100
...
$ docker-machine ssh sw2 docker swarm join --token $(docker-machine ssh sw1 docker swarm join-token -q worker) 192.168.99.100:2377
This node joined a swarm as a worker.
sw1$ docker info
Client:
 Version:    28.5.2
 Context:    default
 Debug Mode: false

Server:
 Containers: 2
  Running: 1
  Paused: 0
  Stopped: 1
 Images: 2
 Server Version: 28.5.2
 Storage Driver: overlay2
  Backing Filesystem: extfs
  Supports d_type: true
 Logging Driver: json-file
 Cgroup Driver: cgroupfs
 Cgroup Version: 1
 Plugins:
  Volume: local
  Network: bridge host ipvlan macvlan null overlay
  Log: awslogs fluentd gcplogs gelf journald json-file local splunk syslog
 Swarm: active
  NodeID: [0-9a-z]{25} (re)
  Is Manager: true
  ClusterID: [0-9a-z]{25} (re)
  Managers: 1
  Nodes: 2
  Data Path Port: 4789
  Orchestration:
   Task History Retention Limit: 5
  Raft:
   Snapshot Interval: 10000
   Number of Old Snapshots to Retain: 0
   Heartbeat Tick: 1
   Election Tick: 10
  Dispatcher:
   Heartbeat Period: 5 seconds
  CA Configuration:
   Expiry Duration: 3 months
   Force Rotate: 0
  Autolock Managers: false
  Root Rotation In Progress: false
  Node Address: 192.168.99.100
  Manager Addresses:
   192.168.99.100:2377
 Kernel Version: 4.19.130-boot2docker
 Operating System: Boot2Docker 28.5.2 (TCL 10.1)
 OSType: linux
 Architecture: x86_64
 CPUs: 1
 Total Memory: 995.8MiB
 Name: sw1
 ID: [0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12} (re)
 Docker Root Dir: /var/lib/docker
 Debug Mode: false
 Experimental: false
 Insecure Registries:
  ::1/128
  127.0.0.0/8
 Live Restore Enabled: false
sw2$ docker info | grep -E 'Swarm|NodeID|Manager|Node Address|2377'
 Swarm: active
  NodeID: [0-9a-z]{25} (re)
  Is Manager: false
  Node Address: 192.168.99.101
  Manager Addresses:
   192.168.99.100:2377
sw1$ docker info -f '{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}} {{.Swarm.Managers}}/{{.Swarm.Nodes}} {{.ContainersRunning}} {{.Name}}'
active true 1/2 1 sw1
sw2$ docker info --format '{{.Swarm.NodeID}}' | wc -c
26
old$ docker info
Containers: 0
 Running: 0
 Paused: 0
 Stopped: 0
Images: 0
Server Version: 17.06.2-ce
Storage Driver: overlay2
 Backing Filesystem: extfs
 Supports d_type: true
Logging Driver: json-file
Cgroup Driver: systemd
Plugins:
 Volume: local
 Network: bridge host ipvlan macvlan null overlay
 Log: awslogs fluentd gcplogs gelf journald json-file local splunk syslog
Swarm: inactive
Kernel Version: 6.8.0-85-generic
Operating System: Ubuntu 24.04.3 LTS
OSType: linux
Architecture: x86_64
CPUs: 2
Total Memory: 3.82GiB
Name: old
ID: [0-9a-f-]{36} (re)
Docker Root Dir: /var/lib/docker
Debug Mode: false
Experimental: false
Insecure Registries:
 127.0.0.0/8
Live Restore Enabled: false
old$ docker version | grep 'API version'
 API version:  1.30
 API version:  1.30 (minimum version 1.12)

# docker version: an engine since 18.09 puts the server's lines under Engine, in wider columns; 25.0 raised the
# minimum API version to 1.24. -f reads the same fields as the CLI's template.
sw1$ docker version
Client:
 Version:           28.5.2
 API version:       1.51
 OS/Arch:           linux/amd64

Server:
 Engine:
  Version:          28.5.2
  API version:      1.51 (minimum version 1.24)
  OS/Arch:          linux/amd64
sw1$ docker version -f '{{.Server.Version}} {{.Server.MinAPIVersion}} {{.Client.APIVersion}}'
28.5.2 1.24 1.51
old$ docker version -f '{{.Server.Version}} {{.Server.APIVersion}}'
17.06.2-ce 1.30
sw1$ docker version extra
"docker version" accepts no arguments.
See 'docker version --help'.

Usage:  docker version [OPTIONS]

Show the Docker version information
[exit 1]
sw1$ docker info extra
"docker info" accepts no arguments.
See 'docker info --help'.

Usage:  docker info [OPTIONS]

Display system-wide information
[exit 1]
sw1$ docker info --bogus
unknown flag: --bogus

Usage:  docker info [OPTIONS]

Run 'docker info --help' for more information
[exit 125]
