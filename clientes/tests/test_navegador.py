import pytest

from clientes.tests.factories import curp_valida

pytestmark = [pytest.mark.navegador, pytest.mark.django_db(transaction=True, databases="__all__")]


def test_cajero_registra_a_la_madre_y_a_dos_hijos_que_comparten_su_correo(entrar, live_server, pagina, cajero,
                                                                            sandbox):
    entrar("/", "cajero1")
    pagina.locator(".navegacion summary", has_text="Catálogo").click()  # the bar groups its entries
    pagina.get_by_role("link", name="Clientes").click()
    pagina.get_by_role("link", name="Registrar cliente").click()
    pagina.locator("#id_nombre").fill("Lucía")
    pagina.locator("#id_apellidos").fill("Hernández <b>")
    pagina.locator("#id_email").fill("lucia@escuela.test")
    pagina.locator("#id_rfc").fill("GODE561231GR9")  # wrong check digit
    pagina.get_by_role("button", name="Registrar").click()
    alertas = pagina.get_by_role("alert").all_inner_texts()
    assert "No se permiten los caracteres < ni >." in alertas
    assert any("dígito verificador del RFC" in texto for texto in alertas)
    pagina.locator("#id_apellidos").fill("Hernández")
    pagina.locator("#id_rfc").fill("gode561231gr8")
    pagina.get_by_role("button", name="Registrar").click()
    pagina.get_by_role("heading", name="Lucía Hernández").wait_for()
    assert "GODE561231GR8" in pagina.locator("main").inner_text()
    assert sandbox.alumnos("sii") == []  # who pays is not sent

    for nombre, curp in (("Pablo", curp_valida(1, siglo_xxi=True)), ("Sofía", "")):
        pagina.get_by_role("link", name="Registrar hijo/a o alumno").click()
        pagina.locator("#id_nombre").fill(nombre)
        pagina.locator("#id_email").fill("lucia@escuela.test")
        pagina.locator("#id_curp").fill(curp.lower())
        pagina.locator("#id_grado").fill("3")
        pagina.locator("#id_grupo").fill("B")
        pagina.locator("#id_parentesco").select_option("madre")
        pagina.get_by_role("button", name="Registrar").click()
        pagina.get_by_role("heading", name=f"{nombre} Hernández").wait_for()
        contenido = pagina.locator("main").inner_text()
        assert "Registrado en SII" in contenido and "Registrado en Aula" in contenido
        assert "Lucía Hernández" in contenido and "Madre" in contenido
        pagina.get_by_role("link", name="Lucía Hernández").click()
        pagina.get_by_role("heading", name="Lucía Hernández").wait_for()
    contenido = pagina.locator("#alumnos-del-cliente").inner_text()
    assert "Pablo Hernández" in contenido and "Sofía Hernández" in contenido
    # Two alumnos in each system, sharing their mother's email.
    for sistema in ("sii", "aula"):
        assert sorted((a["nombre"], a["email"]) for a in sandbox.alumnos(sistema)) == [
            ("Pablo", "lucia@escuela.test"), ("Sofía", "lucia@escuela.test")]
