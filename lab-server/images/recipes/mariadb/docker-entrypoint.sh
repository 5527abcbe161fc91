#!/bin/bash
# Entrypoint of the lab's mariadb image, for Debian's MariaDB packages. It behaves like the
# official image's for what tutorials use:
#   MARIADB_ROOT_PASSWORD, MARIADB_ROOT_PASSWORD_HASH, MARIADB_ALLOW_EMPTY_ROOT_PASSWORD,
#   MARIADB_RANDOM_ROOT_PASSWORD, MARIADB_ROOT_HOST, MARIADB_DATABASE, MARIADB_USER,
#   MARIADB_PASSWORD, MARIADB_PASSWORD_HASH — each also as MYSQL_* (MYSQL_ALLOW_EMPTY_PASSWORD,
#   MYSQL_RANDOM_ROOT_PASSWORD) and as *_FILE (read from a file, for Docker secrets) —
# and /docker-entrypoint-initdb.d/*.sh, *.sql, *.sql.gz, *.sql.xz, *.sql.zst, run once, on
# the first start with an empty data directory.
set -eo pipefail
shopt -s nullglob

mysql_log() {
  local type=$1
  shift
  printf '%s [%s] [Entrypoint]: %s\n' "$(date --rfc-3339=seconds)" "$type" "$*"
}
mysql_note() { mysql_log Note "$@"; }
mysql_warn() { mysql_log Warn "$@" >&2; }
mysql_error() {
  mysql_log ERROR "$@" >&2
  exit 1
}

# file_env VAR [DEFAULT]: VAR, or the content of the file named by VAR_FILE, or DEFAULT.
file_env() {
  local var=$1 fileVar="${1}_FILE" def=${2:-}
  if [ -n "${!var:-}" ] && [ -n "${!fileVar:-}" ]; then
    mysql_error "Both $var and $fileVar are set (but are exclusive)"
  fi
  local val=$def
  if [ -n "${!var:-}" ]; then
    val=${!var}
  elif [ -n "${!fileVar:-}" ]; then
    val=$(<"${!fileVar}")
  fi
  export "$var"="$val"
  unset "$fileVar"
}

# mariadb_env NAME [MYSQL_NAME]: MARIADB_NAME, falling back to its MYSQL_* spelling.
mariadb_env() {
  local mysqlName="MYSQL_${2:-$1}"
  file_env "$mysqlName"
  file_env "MARIADB_$1" "${!mysqlName}"
}

# True when the arguments only ask for help or the version (no initialisation then).
want_help() {
  local arg
  for arg; do
    case "$arg" in
      -'?' | --help | --print-defaults | -V | --version) return 0 ;;
    esac
  done
  return 1
}

# The value of a server option as mariadbd sees it, with the container's arguments.
server_option() {
  local option=$1
  shift
  "$@" --verbose --help 2>/dev/null | awk -v opt="$option" '$1 == opt && /^[^ \t]/ { sub(/^[^ \t]+[ \t]+/, ""); print; exit }'
}

setup_env() {
  DATADIR=$(server_option datadir "$@")
  DATADIR=${DATADIR%/}
  SOCKET=$(server_option socket "$@")
  : "${DATADIR:=/var/lib/mysql}" "${SOCKET:=/run/mysqld/mysqld.sock}"
  mariadb_env ROOT_PASSWORD
  mariadb_env ROOT_PASSWORD_HASH
  mariadb_env ALLOW_EMPTY_ROOT_PASSWORD ALLOW_EMPTY_PASSWORD
  mariadb_env RANDOM_ROOT_PASSWORD
  mariadb_env ROOT_HOST
  mariadb_env DATABASE
  mariadb_env USER
  mariadb_env PASSWORD
  mariadb_env PASSWORD_HASH
  : "${MARIADB_ROOT_HOST:=%}"
}

verify_minimum_env() {
  if [ -z "$MARIADB_ROOT_PASSWORD" ] && [ -z "$MARIADB_ROOT_PASSWORD_HASH" ] && [ -z "$MARIADB_ALLOW_EMPTY_ROOT_PASSWORD" ] && [ -z "$MARIADB_RANDOM_ROOT_PASSWORD" ]; then
    mysql_error $'Database is uninitialized and password option is not specified\n\tYou need to specify one of MARIADB_ROOT_PASSWORD, MARIADB_ROOT_PASSWORD_HASH, MARIADB_ALLOW_EMPTY_ROOT_PASSWORD and MARIADB_RANDOM_ROOT_PASSWORD'
  fi
  if [ -n "$MARIADB_USER" ] && [ -z "$MARIADB_PASSWORD" ] && [ -z "$MARIADB_PASSWORD_HASH" ]; then
    mysql_error 'MARIADB_USER is set but neither MARIADB_PASSWORD nor MARIADB_PASSWORD_HASH is'
  fi
  if [ "$MARIADB_USER" = root ]; then
    mysql_error 'MARIADB_USER="root", MARIADB_USER and MARIADB_PASSWORD are for configuring a regular user and cannot be used for the root user'
  fi
}

# SQL string literal contents: backslashes and quotes escaped.
sql_escape() {
  local s=${1//\\/\\\\}
  printf '%s' "${s//\'/\\\'}"
}

# Runs SQL from stdin as root over the socket (the password once it is set).
process_sql() {
  mariadb --defaults-extra-file=<(printf '[client]\npassword="%s"\n' "$(sql_escape "${ROOT_PW_SET:-}")") \
    --protocol=socket -uroot -hlocalhost --socket="$SOCKET" --comments "$@"
}

temp_server_start() {
  "$@" --skip-networking --default-time-zone=SYSTEM --socket="$SOCKET" --wsrep_on=OFF \
    --expire-logs-days=0 --skip-slave-start --loose-innodb_buffer_pool_load_at_startup=0 \
    --loose-innodb_buffer_pool_dump_at_shutdown=0 &
  TEMP_PID=$!
  mysql_note 'Waiting for server startup'
  local i
  for i in {60..0}; do
    if process_sql --database=mysql <<<'SELECT 1' &>/dev/null; then break; fi
    if ! kill -0 "$TEMP_PID" 2>/dev/null; then mysql_error 'Unable to start server.'; fi
    sleep 1
  done
  if [ "$i" = 0 ]; then mysql_error 'Unable to start server.'; fi
}

temp_server_stop() {
  kill "$TEMP_PID"
  wait "$TEMP_PID" || mysql_error 'Unable to shut down server.'
}

init_database_dir() {
  mysql_note 'Initializing database files'
  local args=(--datadir="$DATADIR" --rpm --auth-root-authentication-method=normal --skip-test-db
    --skip-name-resolve --default-time-zone=SYSTEM --enforce-storage-engine= --skip-log-bin
    --expire-logs-days=0 --loose-innodb_buffer_pool_load_at_startup=0
    --loose-innodb_buffer_pool_dump_at_shutdown=0)
  mariadb-install-db "${args[@]}" "${@:2}"
  mysql_note 'Database files initialized'
}

setup_db() {
  local rootPw='' rootCreate='' userGrants='' createDb='' createUser=''
  if [ -n "$MARIADB_RANDOM_ROOT_PASSWORD" ]; then
    MARIADB_ROOT_PASSWORD=$(tr -dc 'A-Za-z0-9~!@#%^&*_=+-' </dev/urandom | head -c 32 || true)
    export MARIADB_ROOT_PASSWORD
    mysql_note "GENERATED ROOT PASSWORD: $MARIADB_ROOT_PASSWORD"
  fi
  if [ -n "$MARIADB_ROOT_PASSWORD_HASH" ]; then
    rootPw="PASSWORD '$(sql_escape "$MARIADB_ROOT_PASSWORD_HASH")'"
  else
    rootPw="'$(sql_escape "$MARIADB_ROOT_PASSWORD")'"
  fi
  local rootSet="SET PASSWORD FOR 'root'@'localhost'= PASSWORD('$(sql_escape "$MARIADB_ROOT_PASSWORD")');"
  if [ -n "$MARIADB_ROOT_PASSWORD_HASH" ]; then
    rootSet="SET PASSWORD FOR 'root'@'localhost'= '$(sql_escape "$MARIADB_ROOT_PASSWORD_HASH")';"
  fi
  if [ -n "$MARIADB_ROOT_HOST" ] && [ "$MARIADB_ROOT_HOST" != localhost ]; then
    local host
    host=$(sql_escape "$MARIADB_ROOT_HOST")
    rootCreate="CREATE USER 'root'@'$host' IDENTIFIED BY $rootPw;
GRANT ALL ON *.* TO 'root'@'$host' WITH GRANT OPTION;
GRANT PROXY ON ''@'%' TO 'root'@'$host' WITH GRANT OPTION;"
  fi
  if [ -n "$MARIADB_DATABASE" ]; then
    mysql_note "Creating database ${MARIADB_DATABASE}"
    createDb="CREATE DATABASE IF NOT EXISTS \`${MARIADB_DATABASE//\`/\`\`}\`;"
  fi
  if [ -n "$MARIADB_USER" ]; then
    mysql_note "Creating user ${MARIADB_USER}"
    local userPw="'$(sql_escape "$MARIADB_PASSWORD")'"
    if [ -n "$MARIADB_PASSWORD_HASH" ]; then userPw="PASSWORD '$(sql_escape "$MARIADB_PASSWORD_HASH")'"; fi
    createUser="CREATE USER '$(sql_escape "$MARIADB_USER")'@'%' IDENTIFIED BY $userPw;"
    if [ -n "$MARIADB_DATABASE" ]; then
      mysql_note "Giving user ${MARIADB_USER} access to schema ${MARIADB_DATABASE}"
      userGrants="GRANT ALL ON \`${MARIADB_DATABASE//\`/\`\`}\`.* TO '$(sql_escape "$MARIADB_USER")'@'%';"
    fi
  fi
  # A local account for healthcheck.sh, its password kept in the data directory.
  local healthPw
  healthPw=$(tr -dc 'A-Za-z0-9' </dev/urandom | head -c 32 || true)
  printf '[mariadb-client]\nport=3306\nsocket=%s\nuser=healthcheck\npassword=%s\n' "$SOCKET" "$healthPw" >"$DATADIR/.my-healthcheck.cnf"
  chmod 0600 "$DATADIR/.my-healthcheck.cnf"

  mysql_note 'Securing system users (equivalent to running mysql_secure_installation)'
  process_sql --database=mysql --binary-mode <<-EOSQL
	SET @orig_sql_log_bin= @@SESSION.SQL_LOG_BIN;
	SET @@SESSION.SQL_LOG_BIN=0;
	SET @@SESSION.SQL_MODE=REPLACE(@@SESSION.SQL_MODE, 'NO_BACKSLASH_ESCAPES', '');
	DROP USER IF EXISTS root@'127.0.0.1', root@'::1';
	EXECUTE IMMEDIATE CONCAT('DROP USER IF EXISTS root@\'', @@hostname,'\'');
	DELETE FROM mysql.global_priv WHERE User='';
	${rootSet}
	${rootCreate}
	CREATE USER healthcheck@'127.0.0.1' IDENTIFIED BY '${healthPw}';
	CREATE USER healthcheck@'::1' IDENTIFIED BY '${healthPw}';
	CREATE USER healthcheck@localhost IDENTIFIED BY '${healthPw}';
	${createDb}
	${createUser}
	${userGrants}
	SET @@SESSION.SQL_LOG_BIN=@orig_sql_log_bin;
	EOSQL
  ROOT_PW_SET=$MARIADB_ROOT_PASSWORD
}

process_init_files() {
  echo
  local f
  for f; do
    case "$f" in
      *.sh)
        if [ -x "$f" ]; then
          mysql_note "$0: running $f"
          "$f"
        else
          mysql_note "$0: sourcing $f"
          # shellcheck disable=SC1090
          . "$f"
        fi
        ;;
      *.sql) mysql_note "$0: running $f"; process_sql <"$f"; echo ;;
      *.sql.gz) mysql_note "$0: running $f"; gunzip -c "$f" | process_sql; echo ;;
      *.sql.xz) mysql_note "$0: running $f"; xzcat "$f" | process_sql; echo ;;
      *.sql.zst) mysql_note "$0: running $f"; zstd -dc "$f" | process_sql; echo ;;
      *) mysql_warn "$0: ignoring $f" ;;
    esac
  done
}

main() {
  if [ "${1:0:1}" = '-' ]; then
    set -- mariadbd "$@"
  fi
  if { [ "$1" = mariadbd ] || [ "$1" = mysqld ]; } && ! want_help "$@"; then
    mysql_note "Entrypoint script for MariaDB Server $(mariadbd --version | awk '{ print $3 }') started."
    setup_env "$@"
    if [ "$(id -u)" = 0 ]; then
      # The data directory may be a fresh volume owned by root: hand it to mysql, then drop root.
      mkdir -p "$DATADIR" /run/mysqld
      find "$DATADIR" /run/mysqld \! -user mysql -exec chown mysql: '{}' +
      mysql_note "Switching to dedicated user 'mysql'"
      exec gosu mysql "${BASH_SOURCE[0]}" "$@"
    fi
    if [ ! -d "$DATADIR/mysql" ]; then
      verify_minimum_env
      init_database_dir "$@"
      mysql_note 'Starting temporary server'
      temp_server_start "$@"
      mysql_note 'Temporary server started.'
      setup_db
      process_init_files /docker-entrypoint-initdb.d/*
      mysql_note 'Stopping temporary server'
      temp_server_stop
      mysql_note 'Temporary server stopped'
      echo
      mysql_note 'MariaDB init process done. Ready for start up.'
      echo
    fi
  fi
  exec "$@"
}

main "$@"
