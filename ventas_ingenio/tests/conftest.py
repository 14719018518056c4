from inventario.tests.conftest import producto_con_existencia  # noqa: F401  (shared fixture)
