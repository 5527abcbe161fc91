#!/bin/bash
# healthcheck.sh of the lab's mariadb image: the official image's checks that tutorials use,
# for HEALTHCHECK / compose `healthcheck: test: ["CMD", "healthcheck.sh", "--connect", "--innodb_initialized"]`.
#
#   --connect                    the server accepts a TCP connection (not while it initialises)
#   --innodb_initialized         InnoDB is up
#   --innodb_buffer_pool_loaded  the buffer pool finished loading
#   --mariadbupgrade             the data directory is up to date with the server
# Options the official script also takes (--su=, --su-mysql, --defaults-file=, …) are accepted.
# Exits 0 when every requested check passes.
set -eo pipefail

defaults=/var/lib/mysql/.my-healthcheck.cnf
connect=()
checks=()
for arg; do
  case "$arg" in
    --connect | --innodb_initialized | --innodb_buffer_pool_loaded | --mariadbupgrade) checks+=("${arg#--}") ;;
    --defaults-extra-file=* | --defaults-file=*) defaults=${arg#*=} ;;
    --su=* | --su-mysql | --no-defaults | --datadir=* | --replication*) ;;
    *) echo "healthcheck.sh: unknown option $arg" >&2; exit 1 ;;
  esac
done
if [ ! -r "$defaults" ]; then
  echo "healthcheck.sh: $defaults is missing: the data directory is not initialised yet" >&2
  exit 1
fi

sql() { mariadb --defaults-extra-file="$defaults" "${connect[@]}" --skip-column-names --batch -e "$1"; }

for check in "${checks[@]}"; do
  case "$check" in
    connect)
      # The temporary server of the first start listens on no port: only the real one passes.
      connect=(--protocol=tcp -h127.0.0.1)
      sql 'SELECT 1' >/dev/null
      connect=()
      ;;
    innodb_initialized)
      [ "$(sql "SELECT 1 FROM information_schema.ENGINES WHERE engine = 'InnoDB' AND support IN ('YES', 'DEFAULT', 'ENABLED')")" = 1 ]
      ;;
    innodb_buffer_pool_loaded)
      sql "SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_load_status'" | grep -q 'load completed\|not started'
      ;;
    mariadbupgrade)
      datadir=$(sql 'SELECT @@datadir')
      [ ! -f "${datadir%/}/mariadb_upgrade_info" ] || grep -q "^$(mariadbd --version | awk '{ print $3 }' | cut -d- -f1)" "${datadir%/}/mariadb_upgrade_info"
      ;;
  esac
done
