"""The gazetteer: curated YAML entries, generated layers, and the compiled index matching reads.

Built from the layers (generated ones, then the curated YAML, then review overrides), merged
so that one place is one entry (merge.py), every way of writing every entry folded into a
lookup key (compile.py), cached on disk by a hash of every input (store.py) and loaded in well
under a second. Matching only ever talks to an Index (index.py), never to YAML.
"""
