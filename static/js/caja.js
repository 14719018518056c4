/* Point of sale, keyboard first, at the speed of a barcode scanner.

   The page works without this file (forms + POST/redirect/GET). With it:
   - Enter in "Buscar producto" takes the text, clears the box at once and puts the text on a
     queue; one worker sends the queue IN ORDER (fetch POST, X-Requested-With: fetch) and swaps
     the HTML fragments the server answers (elements with an id replace the page's ones), so
     nothing typed or scanned while a request is in flight is lost. Each scan's result goes to
     the log under the box ("Agregado: …" / "No se encontró …").
   - Forms marked data-asincrono (line changes, remove, client, authorisation, payment) go
     through the same queue: the cart updates in place and the focus comes back to the box.
   - F2 (or "+" in the empty box) goes to the payment with the total as cash, selected; Enter
     charges; quick-cash buttons; the change is computed as the cashier types. After the sale a
     panel shows the change large: Enter opens the ticket, Esc (or the next scan) closes it.
   - An edition of a course adds nothing by itself: its scan (or pick) answers with the alumno
     picker (#inscribir). Scans queued behind it go on as usual; once the queue is empty (and the
     box is empty) the focus goes to the picker's search (#buscar-alumno). A barcode scanned into
     that search (digits only) goes to the scan queue, not to the alumno search, so no scan is
     lost. Picking an alumno adds the seat and leaves the picker open for a sibling; "Listo" or
     Esc closes it.
   - Paying later (#plazo): F4 (or the radios) picks De contado / Apartado / En parcialidades;
     the anticipo is prefilled with the minimum, selected, and the cash received follows it until
     the cashier types another amount, so F4 then Enter charges the minimum in cash. The payments
     then cover the anticipo; the balance left is shown as it is typed. The choice survives the
     scans (each scan redraws #plazo with the new minimum). */
(function () {
  "use strict";
  var campo = document.getElementById("buscar-producto");
  var formBuscar = document.getElementById("form-buscar");
  if (!campo || !formBuscar) { return; }
  var MAX_REGISTRO = 6;

  function $(id) { return document.getElementById(id); }
  function token() { return formBuscar.querySelector("input[name=csrfmiddlewaretoken]").value; }

  campo.focus();
  campo.select();

  // --- Scan log ----------------------------------------------------------------------------
  function registrar(clase, texto) {
    var registro = $("registro");
    if (!registro) { return; }
    var li = document.createElement("li");
    li.className = "mensaje " + clase;
    li.textContent = texto;
    registro.insertBefore(li, registro.firstChild);
    while (registro.children.length > MAX_REGISTRO) { registro.removeChild(registro.lastChild); }
  }

  // --- The queue: one request at a time, in the order things were typed --------------------
  var cola = [];
  var ocupado = false;
  var alTerminar = [];

  function encolar(tarea) {
    cola.push(tarea);
    document.body.classList.add("caja-enviando");
    procesar();
  }

  function cuandoTermine(funcion) {
    if (!ocupado && !cola.length) { funcion(); } else { alTerminar.push(funcion); }
  }

  var focoAlSelector = false;

  function selectorEnfocar() {
    if (!focoAlSelector || ocupado || cola.length) { return; }
    var buscar = $("buscar-alumno");
    var selector = $("inscribir");
    if (!buscar || !selector || selector.hidden) { focoAlSelector = false; return; }
    if (!campo.value) { focoAlSelector = false; buscar.focus(); }
  }

  function procesar() {
    if (ocupado) { return; }
    if (!cola.length) {
      document.body.classList.remove("caja-enviando");
      var pendientes = alTerminar;
      alTerminar = [];
      pendientes.forEach(function (f) { f(); });
      selectorEnfocar();
      return;
    }
    ocupado = true;
    var tarea = cola.shift();
    var datos = tarea.datos();  // built when sent: the payment reads the cart's latest fingerprint
    fetch(tarea.url, {
      method: "POST", body: datos, credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", "X-CSRFToken": token() }
    }).then(function (respuesta) {
      return respuesta.text().then(function (html) {
        if (respuesta.headers.get("X-Caja-Fragmentos")) {
          aplicar(html, tarea);
        } else if (respuesta.status === 401 && respuesta.headers.get("X-Caja-Entrar")) {
          // The session ended (idle or signed out): sign in again, back to this page after it.
          window.location.href = respuesta.headers.get("X-Caja-Entrar");
        } else if (respuesta.redirected && respuesta.url.indexOf("/entrar/") >= 0) {
          window.location.href = respuesta.url;  // the session ended: sign in again
        } else if (respuesta.status === 400) {
          // Refused before any view (ventas_ingenio.entradas): sending it again would fail again.
          registrar("mensaje-error", "No se pudo " + tarea.que + ": el texto tiene caracteres no permitidos " +
                    "(de control o nulos). Revisa la configuración del lector.");
        } else {
          registrar("mensaje-error", "No se pudo " + tarea.que + " (respuesta " + respuesta.status + "). Vuelve a intentarlo.");
        }
      });
    }).catch(function () {
      registrar("mensaje-error", "Sin conexión con la caja: no se pudo " + tarea.que + ". Vuelve a intentarlo.");
    }).then(function () {
      ocupado = false;
      procesar();
    });
  }

  // --- Swapping the fragments ---------------------------------------------------------------
  function aplicar(html, tarea) {
    var plantilla = document.createElement("template");
    plantilla.innerHTML = html;
    var enfocado = document.activeElement;
    var ventaHecha = false;
    var selectorAbierto = false;
    Array.prototype.slice.call(plantilla.content.children).forEach(function (nuevo) {
      if (!nuevo.id) { return; }
      if (nuevo.id === "caja-mensajes") {
        Array.prototype.slice.call(nuevo.children).reverse().forEach(function (li) {
          registrar(li.className, li.textContent.trim());
        });
        return;
      }
      if (nuevo.id === "caja-lineas") {
        ponerLineas(nuevo);
        return;
      }
      if (nuevo.id === "venta-hecha") { ventaHecha = true; }
      if (nuevo.id === "plazo") { plazoRestaurar(nuevo); }
      if (nuevo.id === "inscribir" && !nuevo.hidden) { selectorAbierto = true; }
      var viejo = $(nuevo.id);
      if (viejo) { viejo.replaceWith(nuevo); }
    });
    if (ventaHecha) {
      var formCobro = $("form-cobro");
      if (formCobro) { formCobro.reset(); }
      plazoElegido = { modalidad: "contado", anticipo: "", aMano: false };
      efectivoSigue = false;
      plazoMostrar();
    }
    if (tarea.texto && $("coincidencias") && $("coincidencias").children.length && !campo.value) {
      campo.value = tarea.texto;  // a name search: the words stay, the matches are listed
    }
    marcar(-1);
    actualizar();
    var reciente = document.querySelector(".linea-reciente");
    if (reciente && reciente.scrollIntoView) { reciente.scrollIntoView({ block: "nearest" }); }
    // Focus: back to the box after an action, or where the cashier is fixing something.
    var conError = document.querySelector("#cliente .campo-error input, #cobro .campo-error input");
    var conErrorAlumno = document.querySelector("#form-alumno-nuevo .campo-error input, #form-alumno-nuevo .campo-error select");
    if (tarea.formulario === "form-cliente" && conError) {
      conError.focus();
    } else if (tarea.formulario === "form-alumno-nuevo" && conErrorAlumno) {
      conErrorAlumno.focus();
    } else if (tarea.formulario === "form-inscribir-buscar" && $("buscar-alumno")) {
      var primero = document.querySelector("#inscribir .alumno-elegir");
      (primero || $("buscar-alumno")).focus();
    } else if (selectorAbierto && (tarea.texto || tarea.formulario === "formulario")) {
      // Opened by a scan or a pick: its search takes the focus once nothing else is on its way
      // (asked again each time the queue drains: a barcode half typed now is sent first).
      focoAlSelector = true;
      selectorEnfocar();
    } else if (tarea.formulario === "form-cobro" && !ventaHecha) {
      var errorPlazo = document.querySelector("#campo-anticipo.campo-error input");
      var efectivo = errorPlazo || $("id_efectivo_recibido");
      if (efectivo) { efectivo.focus(); efectivo.select(); }
    } else if (tarea.formulario || !enfocado || !document.body.contains(enfocado) || enfocado === document.body) {
      campo.focus();
    }
  }

  // A scan answers only the line it changed (inside a hidden table, so it parses as a row):
  // it replaces the row with its id or goes at the end of the cart, and is the one marked.
  function ponerLineas(tabla) {
    var cuerpo = document.querySelector("#carrito tbody");
    if (!cuerpo) { return; }
    Array.prototype.slice.call(tabla.querySelectorAll("tr[id]")).forEach(function (fila) {
      if (fila.classList.contains("linea-reciente")) {
        Array.prototype.forEach.call(cuerpo.querySelectorAll(".linea-reciente"), function (otra) {
          otra.classList.remove("linea-reciente");
        });
      }
      var vieja = $(fila.id);
      if (vieja) {
        vieja.replaceWith(fila);
      } else {
        var vacio = cuerpo.querySelector(".carrito-vacio");
        if (vacio) { vacio.remove(); }
        cuerpo.appendChild(fila);
      }
    });
  }

  // The cart's fingerprint as this page shows it: with it the server knows whether the
  // scanned line is all the page needs, or the whole cart.
  function huellaMostrada() {
    var huella = $("id_huella");
    return huella ? huella.value : "";
  }

  // --- Scans and typed codes ----------------------------------------------------------------
  function panelVenta() {
    var panel = $("venta-hecha");
    return panel && !panel.hidden ? panel : null;
  }

  function cerrarPanel() {
    var panel = panelVenta();
    if (!panel) { return; }
    var vacio = document.createElement("div");
    vacio.id = "venta-hecha";
    vacio.hidden = true;
    panel.replaceWith(vacio);
  }

  // Control characters (a reader's GS1 separator, NUL) shown as "\uFFFD" in the log.
  function visible(texto) {
    return texto.replace(/[\u0000-\u001f\u007f-\u009f]/g, "\uFFFD");
  }

  function escanear() {
    var texto = campo.value.trim();
    campo.value = "";
    limpiarLista();
    if (!texto) { return; }
    cerrarPanel();
    encolar({
      url: formBuscar.action, que: "agregar «" + visible(texto) + "»", texto: texto,
      datos: function () { return new URLSearchParams({ texto: texto, huella: huellaMostrada() }); }
    });
  }

  formBuscar.addEventListener("submit", function (evento) {
    evento.preventDefault();
    escanear();
  });

  // --- Forms that answer with fragments -----------------------------------------------------
  var enviados = new WeakMap();
  document.addEventListener("submit", function (evento) {
    var form = evento.target;
    if (!form.hasAttribute || !form.hasAttribute("data-asincrono")) { return; }
    evento.preventDefault();
    if (form.id === "form-inscribir-buscar") {
      var escrito = (form.elements.texto.value || "").trim();
      if (/^\d+$/.test(escrito)) {
        // A barcode scanned while the picker had the focus: it is a scan, not an alumno's name.
        form.elements.texto.value = "";
        campo.value = escrito;
        campo.focus();
        escanear();
        return;
      }
    }
    var boton = evento.submitter;
    var formId = form.id || (form.closest("#cliente") ? "form-cliente" : (form.closest("#inscribir") ? "form-inscribir" : "formulario"));
    var datosFijos = new URLSearchParams(new FormData(form));
    if (form.classList.contains("form-linea")) {
      // Enter in a line field fires both "change" and the submit: send the same values once.
      if (enviados.get(form) === datosFijos.toString()) { return; }
      enviados.set(form, datosFijos.toString());
    }
    if (boton && boton.name) { datosFijos.append(boton.name, boton.value); }
    var url = form.action;
    encolar({
      url: url, formulario: formId, que: "guardar el cambio",
      datos: function () {
        if (formId !== "form-cobro") { return datosFijos; }
        var actual = $("form-cobro");  // key and fingerprint as they are after earlier scans
        var datos = new URLSearchParams(new FormData(actual));
        if (boton && boton.name) {
          datos.append(boton.name, boton.id === "boton-exacto" ? (aCobrar() / 100).toFixed(2) : boton.value);
        }
        return datos;
      }
    });
    if (formId !== "form-cobro" && formId !== "form-cliente" && formId !== "form-alumno-nuevo" &&
        formId !== "form-inscribir-buscar") { campo.focus(); }
  }, true);

  // --- Name matches while typing (arrows + Enter) -------------------------------------------
  var temporizador = null;
  var activo = -1;

  function botones() {
    var lista = $("coincidencias");
    return lista ? lista.querySelectorAll("button.coincidencia:not([disabled])") : [];
  }

  function marcar(indice) {
    var todos = botones();
    Array.prototype.forEach.call(todos, function (b) { b.classList.remove("activa"); });
    if (indice >= 0 && indice < todos.length) { todos[indice].classList.add("activa"); }
    activo = indice;
  }

  function limpiarLista() {
    var lista = $("coincidencias");
    if (lista) { lista.textContent = ""; }
    marcar(-1);
  }

  function aviso(lista, texto) {
    var li = document.createElement("li");
    li.className = "tenue aviso-busqueda";
    li.textContent = texto;
    lista.appendChild(li);
  }

  function pintar(productos, datos) {
    var lista = $("coincidencias");
    var accion = lista.getAttribute("data-accion");
    lista.textContent = "";
    productos.forEach(function (p) {
      var li = document.createElement("li");
      li.setAttribute("role", "option");
      var form = document.createElement("form");
      form.method = "post";
      form.action = accion;
      form.setAttribute("data-asincrono", "");
      [["csrfmiddlewaretoken", token()], ["producto", p.id]].forEach(function (par) {
        var oculto = document.createElement("input");
        oculto.type = "hidden";
        oculto.name = par[0];
        oculto.value = par[1];
        form.appendChild(oculto);
      });
      var boton = document.createElement("button");
      boton.type = "submit";
      boton.className = "coincidencia";
      var estado = !p.activo ? "Dado de baja" : p.curso
        ? (p.existencia <= 0 ? "Sin lugares" : p.existencia + (p.existencia === 1 ? " lugar libre" : " lugares libres"))
        : (p.existencia <= 0 ? "Sin existencia" : p.existencia + " en existencia");
      [["codigo", p.codigo], ["nombre", p.nombre], ["precio", "$" + p.precio], ["existencia", estado]].forEach(function (par) {
        var span = document.createElement("span");
        span.className = par[0];
        span.textContent = par[1];
        boton.appendChild(span);
      });
      if (!p.activo || p.existencia <= 0) { boton.disabled = true; }
      form.appendChild(boton);
      li.appendChild(form);
      lista.appendChild(li);
    });
    if (datos && datos.parecidos) { aviso(lista, "Ningún nombre tiene todas las palabras: estos se parecen."); }
    if (datos && datos.hay_mas) { aviso(lista, "Hay más resultados: escribe otra palabra para acotar."); }
    marcar(-1);
  }

  campo.addEventListener("input", function () {
    window.clearTimeout(temporizador);
    var texto = campo.value.trim();
    // Digits only look like a scan in progress: wait for Enter instead of searching.
    if (texto.length < 2 || /^\d+$/.test(texto)) { limpiarLista(); return; }
    temporizador = window.setTimeout(function () {
      fetch(campo.getAttribute("data-url-buscar") + "?q=" + encodeURIComponent(texto), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { productos: [] }; })
        .then(function (datos) { if (campo.value.trim() === texto) { pintar(datos.productos, datos); } });
    }, 150);
  });

  campo.addEventListener("keydown", function (evento) {
    var todos = botones();
    if (evento.key === "ArrowDown" && todos.length) {
      evento.preventDefault();
      marcar(Math.min(activo + 1, todos.length - 1));
    } else if (evento.key === "ArrowUp" && todos.length) {
      evento.preventDefault();
      marcar(Math.max(activo - 1, 0));
    } else if (evento.key === "Enter") {
      evento.preventDefault();
      if (activo >= 0 && todos[activo]) {
        var form = todos[activo].form;
        campo.value = "";
        cerrarPanel();
        form.requestSubmit(todos[activo]);
        limpiarLista();
      } else if (!campo.value.trim() && panelVenta()) {
        window.location.href = $("ver-ticket").href;  // the sale just made: its ticket, to print
      } else {
        escanear();
      }
    } else if (evento.key === "Escape") {
      limpiarLista();
      cerrarPanel();
    } else if ((evento.key === "+" || evento.key === "*") && !campo.value) {
      evento.preventDefault();
      irACobrar();
    }
  });

  // --- Payment --------------------------------------------------------------------------------
  // What the server accepts (ventas_ingenio/entradas.py): ASCII digits, at most 2 decimals,
  // up to 9,999,999.99. Anything else is shown as not valid instead of "Cambio: $1e+30".
  var IMPORTE = /^\$?\s*(\d{1,3}(,\d{3})+|\d*)(\.\d{0,2})?$/;
  var IMPORTE_MAXIMO = 999999999;
  function importeValido(valor) {
    var texto = String(valor || "").trim();
    return texto === "" || (IMPORTE.test(texto) && /\d/.test(texto) && centavos(texto) <= IMPORTE_MAXIMO);
  }
  function centavos(valor) {
    var n = parseFloat(String(valor || "0").replace(/[$,\s]/g, ""));
    return isNaN(n) ? 0 : Math.round(n * 100);
  }
  // As the server prints money (intcomma): "$4,000.00", so a figure does not change shape when JS redraws it.
  function pesos(c) { return "$" + (c / 100).toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ","); }
  // Card, transfer and store credit (its field exists only for a client with a balance): no change.
  function otrosPagos(form) {
    var saldo = form.elements.monedero_monto;
    return centavos(form.elements.tarjeta_monto.value) + centavos(form.elements.transferencia_monto.value) +
      (saldo ? centavos(saldo.value) : 0);
  }

  function irACobrar() {
    cuandoTermine(function () {
      var total = $("total");
      var efectivo = $("id_efectivo_recibido");
      if (!total || !efectivo) { return; }
      if (!centavos(total.getAttribute("data-total"))) { campo.focus(); return; }
      var debe = aCobrar();
      var form = $("form-cobro");
      var otros = otrosPagos(form);
      efectivo.value = (Math.max(0, debe - otros) / 100).toFixed(2);
      efectivoSigue = true;
      actualizar();
      efectivo.focus();
      efectivo.select();
      if (efectivo.scrollIntoView) { efectivo.scrollIntoView({ block: "center" }); }
    });
  }

  function actualizar() {
    var total = $("total");
    var form = $("form-cobro");
    var boton = $("boton-cobrar");
    var motivo = $("motivo-cobro");
    var cambio = $("cambio");
    if (!total || !form || !boton || !motivo) { return; }
    if (radios().length) { plazoElegido.modalidad = modalidad(); }
    plazoMostrar();
    var debe = aCobrar();
    var exacto = $("boton-exacto");
    if (exacto) { exacto.value = (debe / 100).toFixed(2); exacto.disabled = !debe; }
    var problemaPlazo = plazoProblema();
    form.querySelectorAll("button[data-monto]").forEach(function (b) {
      b.disabled = !debe || centavos(b.getAttribute("data-monto")) < debe;
    });
    var motivoServidor = motivo.getAttribute("data-motivo") || "";
    var otros = otrosPagos(form);
    var efectivo = centavos(form.elements.efectivo_recibido.value);
    var falta = debe - otros - efectivo;
    var malos = ["efectivo_recibido", "tarjeta_monto", "transferencia_monto", "monedero_monto", "anticipo"].filter(function (nombre) {
      return form.elements[nombre] && !importeValido(form.elements[nombre].value);
    });
    if (motivoServidor) {
      motivo.textContent = motivoServidor;
      boton.disabled = true;
    } else if (malos.length) {
      motivo.textContent = "Escribe los importes en pesos, por ejemplo 150.50 (máximo $9,999,999.99).";
      boton.disabled = true;
      if (cambio) { cambio.textContent = pesos(0); }
      return;
    } else if (problemaPlazo) {
      motivo.textContent = problemaPlazo;
      boton.disabled = true;
    } else if (otros > debe) {
      motivo.textContent = "Tarjeta, transferencia y saldo a favor pasan " + (modalidad() === "contado" ? "del total." : "del anticipo.");
      boton.disabled = true;
    } else if (falta > 0) {
      motivo.textContent = "Pago insuficiente: faltan " + pesos(falta) + ".";
      boton.disabled = true;
    } else {
      motivo.textContent = "";
      boton.disabled = false;
    }
    if (cambio) { cambio.textContent = pesos(Math.max(0, efectivo - Math.max(0, debe - otros))); }
  }

  document.addEventListener("input", function (evento) {
    var objetivo = evento.target;
    if (!objetivo.form || objetivo.form.id !== "form-cobro") { return; }
    if (objetivo.id === "id_efectivo_recibido") { efectivoSigue = false; }
    if (objetivo.id === "id_anticipo") {
      plazoElegido.anticipo = objetivo.value;
      plazoElegido.aMano = true;
      efectivoSeguir();
    }
    actualizar();
  });

  // --- Paying later: modalidad and anticipo ---------------------------------------------------
  var plazoElegido = { modalidad: "contado", anticipo: "", aMano: false };
  var efectivoSigue = false;  // the cash received follows the anticipo until typed by hand

  function radios() {
    var plazo = $("plazo");
    return plazo ? Array.prototype.slice.call(plazo.querySelectorAll("input[name=modalidad]")) : [];
  }
  function modalidad() {
    var elegido = radios().filter(function (r) { return r.checked; })[0];
    return elegido ? elegido.value : "contado";
  }
  function minimo() {
    var elegido = radios().filter(function (r) { return r.checked; })[0];
    return elegido ? centavos(elegido.getAttribute("data-minimo")) : 0;
  }
  // What the payments must cover now: the total, or the anticipo (empty: the minimum).
  function aCobrar() {
    var total = $("total");
    var todo = total ? centavos(total.getAttribute("data-total")) : 0;
    if (modalidad() === "contado") { return todo; }
    var anticipo = $("id_anticipo");
    var texto = anticipo ? anticipo.value.trim() : "";
    return texto && importeValido(texto) ? centavos(texto) : minimo();
  }
  function plazoProblema() {
    if (modalidad() === "contado") { return ""; }
    if ($("plazo-sin-cliente")) { return "Para apartar o pagar en parcialidades elige primero al cliente."; }
    var total = centavos($("plazo").getAttribute("data-total"));
    var anticipo = aCobrar();
    if (anticipo <= 0) { return "El anticipo debe ser mayor que cero."; }
    if (anticipo < minimo()) { return "El anticipo mínimo es " + pesos(minimo()) + "."; }
    if (anticipo > total) { return "El anticipo no puede pasar del total (" + pesos(total) + ")."; }
    return "";
  }
  function efectivoSeguir() {
    var efectivo = $("id_efectivo_recibido");
    var form = $("form-cobro");
    if (!efectivoSigue || !efectivo || !form) { return; }
    efectivo.value = (Math.max(0, aCobrar() - otrosPagos(form)) / 100).toFixed(2);
  }
  // Only the chosen modality's details show; the balance left follows the anticipo.
  function plazoMostrar() {
    var plazo = $("plazo");
    if (!plazo || plazo.hidden) {
      if ($("form-cobro")) { $("form-cobro").classList.remove("con-plazo"); }
      return;
    }
    var elegida = modalidad();
    var form = $("form-cobro");
    if (form) { form.classList.toggle("con-plazo", elegida !== "contado"); }
    var pago = plazo.querySelector(".plazo-pago");
    if (pago) { pago.hidden = elegida === "contado"; }
    Array.prototype.forEach.call(plazo.querySelectorAll(".plazo-detalle"), function (detalle) {
      detalle.hidden = detalle.getAttribute("data-modalidad") !== elegida;
      var saldo = detalle.querySelector(".plazo-saldo");
      if (saldo && !detalle.hidden) {
        saldo.textContent = pesos(Math.max(0, centavos(plazo.getAttribute("data-total")) - aCobrar()));
      }
    });
  }
  function modalidadElegir(valor, enfocar) {
    var radio = radios().filter(function (r) { return r.value === valor; })[0];
    if (!radio) { return; }
    radio.checked = true;
    plazoElegido = { modalidad: valor, anticipo: "", aMano: false };
    var anticipo = $("id_anticipo");
    if (anticipo) { anticipo.value = valor === "contado" ? "" : (minimo() / 100).toFixed(2); }
    efectivoSigue = true;
    efectivoSeguir();
    actualizar();
    if (enfocar) {
      var destino = valor === "contado" ? $("id_efectivo_recibido") : anticipo;
      if (destino) { destino.focus(); destino.select(); }
      if (destino && destino.scrollIntoView) { destino.scrollIntoView({ block: "center" }); }
    }
  }
  // A scan redrew #plazo: the cashier's choice stays; an anticipo not typed by hand becomes the new minimum.
  function plazoRestaurar(nuevo) {
    var radio = nuevo.querySelector("input[name=modalidad][value=" + plazoElegido.modalidad + "]");
    if (!radio) { plazoElegido = { modalidad: "contado", anticipo: "", aMano: false }; return; }
    radio.checked = true;
    var anticipo = nuevo.querySelector("#id_anticipo");
    if (!anticipo || plazoElegido.modalidad === "contado") { return; }
    anticipo.value = plazoElegido.aMano ? plazoElegido.anticipo : (centavos(radio.getAttribute("data-minimo")) / 100).toFixed(2);
  }

  document.addEventListener("change", function (evento) {
    if (evento.target.name === "modalidad" && evento.target.closest && evento.target.closest("#plazo")) {
      modalidadElegir(evento.target.value, false);
    }
  });

  // A quantity or discount typed on a line counts once it changes (blur, Enter, or going to
  // pay), not only with "Actualizar": the cart never shows a value it did not save.
  document.addEventListener("change", function (evento) {
    var form = evento.target.form;
    if (form && form.classList.contains("form-linea")) { form.requestSubmit(); }
  });
  function lineaPendienteGuardar() {
    var activo = document.activeElement;
    if (activo && activo.form && activo.form.classList.contains("form-linea")) { activo.blur(); }
  }

  document.addEventListener("keydown", function (evento) {
    if (evento.key === "F2") {
      evento.preventDefault();
      lineaPendienteGuardar();
      irACobrar();
    } else if (evento.key === "F4") {
      evento.preventDefault();
      var opciones = radios();
      if (!opciones.length) { return; }
      lineaPendienteGuardar();
      var actual = opciones.map(function (r) { return r.value; }).indexOf(modalidad());
      modalidadElegir(opciones[(actual + 1) % opciones.length].value, true);
    } else if (evento.key === "Escape" && evento.target.closest && evento.target.closest("#inscribir")) {
      cerrarSelector();
    } else if (evento.key === "Escape" && panelVenta()) {
      cerrarPanel();
      campo.focus();
    } else if (evento.key === "Escape" && evento.target.form && evento.target.form.id === "form-cobro") {
      campo.focus();  // back from the payment to scanning
    }
  });

  document.addEventListener("click", function (evento) {
    var destino = evento.target.closest ? evento.target.closest("#pie-cobrar, #cerrar-venta-hecha, #inscribir-listo") : null;
    if (!destino) { return; }
    evento.preventDefault();
    if (destino.id === "pie-cobrar") {
      irACobrar();
    } else if (destino.id === "inscribir-listo") {
      cerrarSelector();
    } else {
      cerrarPanel();
      campo.focus();
    }
  });

  // The picker closes in place (the server keeps nothing open: it is only a page parameter).
  function cerrarSelector() {
    var selector = $("inscribir");
    if (selector && !selector.hidden) {
      var vacio = document.createElement("section");
      vacio.id = "inscribir";
      vacio.hidden = true;
      selector.replaceWith(vacio);
    }
    campo.focus();
  }

  var anticipoInicial = $("id_anticipo");
  if (anticipoInicial && anticipoInicial.value) {
    plazoElegido = { modalidad: modalidad(), anticipo: anticipoInicial.value, aMano: true };
  }
  actualizar();
})();
