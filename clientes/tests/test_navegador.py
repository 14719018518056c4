import pytest

pytestmark = [pytest.mark.navegador, pytest.mark.django_db(transaction=True, databases="__all__")]


def test_cajero_registra_un_cliente_y_lo_ve_en_sii(entrar, live_server, pagina, cajero, sandbox):
    entrar("/", "cajero1")
    pagina.locator(".navegacion summary", has_text="Catálogo").click()  # the bar groups its entries
    pagina.get_by_role("link", name="Clientes").click()
    pagina.get_by_role("link", name="Registrar cliente").click()
    pagina.locator("#id_nombre").fill("Lucía")
    pagina.locator("#id_apellidos").fill("Hernández <b>")
    pagina.locator("#id_email").fill("lucia@escuela.test")
    pagina.get_by_role("button", name="Registrar").click()
    assert pagina.get_by_role("alert").first.inner_text() == "No se permiten los caracteres < ni >."
    pagina.locator("#id_apellidos").fill("Hernández")
    pagina.locator("#id_telefono").fill("55 1234 5678")
    pagina.locator("#id_curp").fill("hegg560427mvzrrl04")
    pagina.get_by_role("button", name="Registrar").click()
    pagina.get_by_role("heading", name="Lucía Hernández").wait_for()
    contenido = pagina.locator("main").inner_text()
    assert "Registrado en SII (#1)" in contenido and "Registrado en Aula (#1)" in contenido
    assert "27/04/1956" in contenido  # birth date derived from the CURP
    assert [a["email"] for a in sandbox.alumnos("sii")] == ["lucia@escuela.test"]
