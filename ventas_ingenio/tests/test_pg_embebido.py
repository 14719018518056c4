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
