import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPracticeHarness, type PracticeHarness, type PracticeLearner } from '../testing/practice-harness';

/**
 * The guide's multi-container chapter with the catalog's mariadb and wordpress images, typed
 * through the real docker CLI in a learner's workspace (so through the learner's proxy and its
 * container policy), as the chapter's Run buttons type it.
 */
describe('the guide with the service images, through the learner proxy (real engine, real CLI)', () => {
  let harness: PracticeHarness;
  let learner: PracticeLearner;

  beforeAll(async () => {
    harness = await startPracticeHarness('svc');
    learner = await harness.learner();
  }, 180_000);
  afterAll(async () => {
    await harness?.close();
  }, 120_000);

  const ok = async (command: string, timeoutMs = 60_000) => {
    const result = await learner.sh(command, timeoutMs);
    expect(result.exitCode, `${command}\n${result.stdout}\n${result.stderr}`).toBe(0);
    return result.stdout;
  };

  it('WordPress and MariaDB by hand: network, volume, env, name resolution, the installer', async () => {
    await ok('docker network create wp-net && docker volume create wp-db-data');
    await ok('docker run -d --name wp-db --network wp-net -e MARIADB_ROOT_PASSWORD=change-me-root -e MARIADB_DATABASE=wordpress -v wp-db-data:/var/lib/mysql mariadb');
    await ok(
      'docker run -d --name wp-web --network wp-net -p 8080:80 -e WORDPRESS_DB_HOST=wp-db -e WORDPRESS_DB_USER=root -e WORDPRESS_DB_PASSWORD=change-me-root -e WORDPRESS_DB_NAME=wordpress wordpress',
    );
    await ok(`timeout 80 sh -c 'until curl -s -o /dev/null -w "%{http_code}" http://localhost:8080/ | grep -qE "200|302"; do sleep 2; done'`, 90_000);
    expect(await ok(`curl -s -o /dev/null -w '%{http_code} %{redirect_url}\\n' http://localhost:8080/`)).toBe('302 http://localhost:8080/wp-admin/install.php\n');
    expect(await ok('curl -sL http://localhost:8080/')).toContain('<title>WordPress &rsaquo; Installation</title>');
    expect(await ok('docker logs --tail 3 wp-db 2>&1')).toContain('ready for connections');
    expect(await ok(`docker exec wp-db sh -c 'mariadb -uroot -p"$MARIADB_ROOT_PASSWORD" -e "SHOW DATABASES"'`)).toMatch(/^wordpress$/m);
    await ok('docker rm -f wp-web wp-db && docker network rm wp-net && docker volume rm wp-db-data');
  }, 120_000);

  it("the chapter's safer compose file: secrets as _FILE, a dedicated user, healthcheck.sh, service_healthy", async () => {
    await ok(`mkdir -p ~/wp-safe/secrets && cd ~/wp-safe && printf 'root-secret\\n' > secrets/db_root_password.txt && printf 'wp-secret\\n' > secrets/db_password.txt && cat > compose.yaml <<'YAML'
services:
  db:
    image: mariadb:11.8
    environment:
      MARIADB_ROOT_PASSWORD_FILE: /run/secrets/db_root_password
      MARIADB_DATABASE: wordpress
      MARIADB_USER: wordpress
      MARIADB_PASSWORD_FILE: /run/secrets/db_password
    secrets: [db_root_password, db_password]
    volumes:
      - db-data:/var/lib/mysql
    healthcheck:
      test: ["CMD", "healthcheck.sh", "--connect", "--innodb_initialized"]
      interval: 3s
      retries: 30

  wordpress:
    image: wordpress:6.8-apache
    depends_on:
      db:
        condition: service_healthy
    ports:
      - "127.0.0.1:8081:80"
    environment:
      WORDPRESS_DB_HOST: db
      WORDPRESS_DB_USER: wordpress
      WORDPRESS_DB_PASSWORD_FILE: /run/secrets/db_password
      WORDPRESS_DB_NAME: wordpress
    secrets: [db_password]
    volumes:
      - wp-content:/var/www/html/wp-content

secrets:
  db_root_password:
    file: ./secrets/db_root_password.txt
  db_password:
    file: ./secrets/db_password.txt

volumes:
  db-data:
  wp-content:
YAML`);
    // up waits for the database's healthcheck before it starts WordPress.
    await ok('cd ~/wp-safe && docker compose up -d 2>&1', 80_000);
    await ok(`timeout 20 sh -c 'until curl -s -o /dev/null -w "%{http_code}" http://localhost:8081/ | grep -q 302; do sleep 1; done'`, 25_000);
    expect(await ok('curl -sL http://localhost:8081/')).toContain('WordPress &rsaquo; Installation');
    expect(await ok(`cd ~/wp-safe && docker compose exec -T db sh -c 'mariadb -uwordpress -p"$(cat /run/secrets/db_password)" wordpress -e "SELECT CURRENT_USER()"'`)).toContain('wordpress@%');
    await ok('cd ~/wp-safe && docker compose down -v 2>&1', 30_000);
  }, 120_000);
});
