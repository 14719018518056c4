"""Check the ledger invariant: each product's stock (and its set-aside units) equals the sum of its movements."""

from django.core.management.base import BaseCommand, CommandError

from inventario.selectors import inventario_descuadres


class Command(BaseCommand):
    help = ("Verifica que la existencia y las piezas apartadas de cada producto sean la suma de sus "
            "movimientos; sale con error si no.")

    def handle(self, *args, **options):
        descuadres = inventario_descuadres()
        for id_producto, codigo, existencia, suma, apartada, suma_apartada in descuadres:
            self.stderr.write(
                f"Producto {id_producto} ({codigo}): existencia {existencia}, suma de movimientos {suma}; "
                f"apartadas {apartada}, suma de movimientos de apartado {suma_apartada}"
            )
        if descuadres:
            raise CommandError(f"{len(descuadres)} producto(s) con existencia descuadrada.")
        self.stdout.write(self.style.SUCCESS("Inventario cuadrado: cada existencia es la suma de sus movimientos."))
