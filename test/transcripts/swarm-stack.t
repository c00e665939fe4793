# A stack from a compose file: <stack>_default, <stack>_<service>, the routing mesh for its published port.
$ docker-machine create sw1
...
sw1$ docker swarm init
Swarm initialized: current node \(\w{25}\) is now a manager\. (re)
...
sw1$ cat > app.yml <<EOF
version: "3.8"
services:
  web:
    image: traefik/whoami
    ports:
      - "8000:80"
    deploy:
      replicas: 2
  cache:
    image: redis
EOF
sw1$ docker stack deploy -c app.yml app
Creating network app_default
Creating service app_web
Creating service app_cache
# wait 5s
sw1$ docker stack ls
NAME      SERVICES
app       2
sw1$ docker stack services app --format '{{.Name}} {{.Replicas}}'
app_cache 1/1
app_web 2/2
sw1$ docker network ls --filter driver=overlay --format '{{.Name}}'
app_default
ingress
$ curl -s 192.168.99.100:8000 | grep -c Hostname
1
sw1$ printf 'services:\n  web:\n    image: x\n   ports: 1\n' > bad.yml; docker stack deploy -c bad.yml bad
yaml: line 4: mapping values are not allowed in this context
[exit 1]
sw1$ docker stack rm app
Removing service app_cache
Removing service app_web
Removing network app_default
