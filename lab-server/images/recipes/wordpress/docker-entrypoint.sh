#!/bin/bash
# Entrypoint of the lab's wordpress image, as the official image's: on the first start it
# copies WordPress into the (empty) working directory, /var/www/html, writes an .htaccess for
# pretty permalinks, and, when WORDPRESS_* variables are set and there is no wp-config.php
# yet, writes one from wp-config-docker.php (it reads the variables at run time), with
# random keys and salts. Then it runs the command, Apache in the foreground by default.
set -Eeuo pipefail

if [[ "$1" == apache2* ]] || [ "$1" = 'php-fpm' ]; then
	uid="$(id -u)"
	gid="$(id -g)"
	if [ "$uid" = '0' ]; then
		user=www-data
		group=www-data
	else
		user="$uid"
		group="$gid"
	fi

	if [ ! -e index.php ] && [ ! -e wp-includes/version.php ]; then
		# The files must belong to Apache's user (uploads, plugin installs) when we run as root.
		if [ "$uid" = '0' ] && [ "$(stat -c '%u:%g' .)" = '0:0' ]; then
			chown "$user:$group" .
		fi

		echo >&2 "WordPress not found in $PWD - copying now..."
		if [ -n "$(find . -mindepth 1 -maxdepth 1 -not -name wp-content)" ]; then
			echo >&2 "WARNING: $PWD is not empty! (copying anyhow)"
		fi
		sourceTarArgs=(--create --file - --directory /usr/src/wordpress --owner "$user" --group "$group")
		targetTarArgs=(--extract --file -)
		if [ "$uid" != '0' ]; then
			# Not root: keep whatever ownership the files get, and do not fail on the folders' times.
			targetTarArgs+=(--no-overwrite-dir)
		fi
		# Keep a wp-content the user mounted: only what is missing in it is copied.
		for contentPath in /usr/src/wordpress/.htaccess /usr/src/wordpress/wp-content/*/*/; do
			contentPath="${contentPath%/}"
			[ -e "$contentPath" ] || continue
			contentPath="${contentPath#/usr/src/wordpress/}"
			if [ -e "$PWD/$contentPath" ]; then
				echo >&2 "WARNING: '$PWD/$contentPath' exists! (not copying the WordPress version)"
				sourceTarArgs+=(--exclude "./$contentPath")
			fi
		done
		tar "${sourceTarArgs[@]}" . | tar "${targetTarArgs[@]}"
		if [ ! -e .htaccess ]; then
			# https://wordpress.org/documentation/article/htaccess/
			cat >.htaccess <<-'HTACCESS'
				# BEGIN WordPress

				RewriteEngine On
				RewriteRule .* - [E=HTTP_AUTHORIZATION:%{HTTP:Authorization}]
				RewriteBase /
				RewriteRule ^index\.php$ - [L]
				RewriteCond %{REQUEST_FILENAME} !-f
				RewriteCond %{REQUEST_FILENAME} !-d
				RewriteRule . /index.php [L]

				# END WordPress
			HTACCESS
			chown "$user:$group" .htaccess || true
		fi
		echo >&2 "Complete! WordPress has been successfully copied to $PWD"
	fi

	wpEnvs=("${!WORDPRESS_@}")
	if [ ! -s wp-config.php ] && [ "${#wpEnvs[@]}" -gt 0 ]; then
		for wpConfigDocker in wp-config-docker.php /usr/src/wordpress/wp-config-docker.php; do
			if [ -s "$wpConfigDocker" ]; then
				echo >&2 "No 'wp-config.php' found in $PWD, but 'WORDPRESS_...' variables supplied; copying '$wpConfigDocker' (${wpEnvs[*]})"
				# Each "put your unique phrase here" becomes its own random value: the defaults of
				# AUTH_KEY and friends when no WORDPRESS_AUTH_KEY… variable is given.
				awk '
					/put your unique phrase here/ {
						cmd = "head -c1m /dev/urandom | sha1sum | cut -d\\  -f1"
						cmd | getline str
						close(cmd)
						gsub("put your unique phrase here", str)
					}
					{ print }
				' "$wpConfigDocker" >wp-config.php
				if [ "$uid" = '0' ]; then
					chown "$user:$group" wp-config.php || true
				fi
				break
			fi
		done
	fi
fi

exec "$@"
