"""The IPython extension (``%load_ext aisafe_nb``): cell guard, output masking, magics.

Modules, one job each: `extension` (install/remove every hook), `config` (the ``AISafe``
traitlets), `guard` (scan cells, warn or refuse), `masker` (known secrets -> markers),
`outputs` (where masking plugs into streams, display, tracebacks), `history` (scrub the
input history), `magics` (``%aisafe`` dispatch), `commands` (its subcommands), `render`
(HTML + plain-text notices).
"""
