"""Domain errors of the catalog and the stock ledger. Messages are shown to users as they are."""


class InventarioError(Exception):
    """Base of every inventory error; ``str(error)`` is a Spanish message for the user."""


class ExistenciaInsuficiente(InventarioError):
    def __init__(self, *, producto, disponible: int):
        self.producto = producto
        self.disponible = disponible
        super().__init__(f"Existencia insuficiente: {producto.nombre} (quedan {disponible})")


class ExistenciaModificada(InventarioError):
    """The stock changed (e.g. a sale) between opening a form and submitting it."""

    def __init__(self, *, producto, esperada: int, actual: int):
        self.producto = producto
        self.esperada = esperada
        self.actual = actual
        super().__init__(
            f"La existencia de {producto.nombre} cambió de {esperada} a {actual} mientras capturabas "
            "(por ejemplo, por una venta). Revisa el conteo y vuelve a intentarlo; no se guardó nada."
        )


class CantidadInvalida(InventarioError):
    pass


class MotivoRequerido(InventarioError):
    def __init__(self):
        super().__init__("Escribe el motivo del ajuste.")


class ProductoNoEncontrado(InventarioError):
    def __init__(self, producto_id):
        self.producto_id = producto_id
        super().__init__(f"No existe el producto {producto_id}.")
