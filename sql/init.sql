-- Ventas Ingenio: databases and a least-privilege application role on a production
-- PostgreSQL (14 or newer). Run it once as a superuser (or a role with CREATEDB and
-- CREATEROLE); running it again changes nothing.
--
--   psql -h db.escuela.mx -U postgres -v app_password='una-clave-larga' -f sql/init.sql
--
-- Optional variables: app_role (ventas_app), db_negocio (ventas), db_auth (ventas_auth).
-- Then point the application at them:
--   DATABASE_URL=postgres://ventas_app:CLAVE@host:5432/ventas
--   AUTH_DATABASE_URL=postgres://ventas_app:CLAVE@host:5432/ventas_auth
-- and run `python manage.py migrate --database=default` and `--database=auth`.

\set ON_ERROR_STOP on
\if :{?app_role}
\else
  \set app_role ventas_app
\endif
\if :{?db_negocio}
\else
  \set db_negocio ventas
\endif
\if :{?db_auth}
\else
  \set db_auth ventas_auth
\endif
\if :{?app_password}
\else
  \echo 'Falta la clave del rol: psql -v app_password=... -f sql/init.sql'
  \quit
\endif

-- The application role: may log in and owns its two databases, nothing more
-- (no superuser, no CREATEDB, no CREATEROLE, no replication, no RLS bypass).
SELECT format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS', :'app_role')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'app_role') \gexec
ALTER ROLE :"app_role" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'app_password';
-- Bounded waits and runaway-query protection for every session of the application.
ALTER ROLE :"app_role" SET lock_timeout = '5s';
ALTER ROLE :"app_role" SET idle_in_transaction_session_timeout = '60s';

SELECT format('CREATE DATABASE %I OWNER %I ENCODING %L TEMPLATE template0', :'db_negocio', :'app_role', 'UTF8')
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db_negocio') \gexec
SELECT format('CREATE DATABASE %I OWNER %I ENCODING %L TEMPLATE template0', :'db_auth', :'app_role', 'UTF8')
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db_auth') \gexec

-- Nobody else connects or creates objects in them.
REVOKE ALL ON DATABASE :"db_negocio" FROM PUBLIC;
REVOKE ALL ON DATABASE :"db_auth" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"db_negocio" TO :"app_role";
GRANT CONNECT, TEMPORARY ON DATABASE :"db_auth" TO :"app_role";

-- The business database uses pg_trgm (name search) and unaccent (accent-insensitive
-- search). Both are trusted extensions, but creating them here keeps the migrations
-- from depending on that.
\connect :"db_negocio"
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;
ALTER SCHEMA public OWNER TO :"app_role";
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

\connect :"db_auth"
ALTER SCHEMA public OWNER TO :"app_role";
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
