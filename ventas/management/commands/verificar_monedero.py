"""Check the customer-account invariant: each balance equals the sum of its movements."""

from django.core.management.base import BaseCommand, CommandError

from ventas.monedero.selectors import monedero_descuadres


class Command(BaseCommand):
    help = "Verifica que el saldo a favor de cada cliente sea la suma de sus movimientos; sale con error si no."

    def handle(self, *args, **options):
        descuadres = monedero_descuadres()
        for id_monedero, id_cliente, saldo, suma in descuadres:
            self.stderr.write(f"Monedero {id_monedero} (cliente {id_cliente}): saldo {saldo}, suma de movimientos {suma}")
        if descuadres:
            raise CommandError(f"{len(descuadres)} monedero(s) descuadrado(s).")
        self.stdout.write(self.style.SUCCESS("Monederos cuadrados: cada saldo es la suma de sus movimientos."))
