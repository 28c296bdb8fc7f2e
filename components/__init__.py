"""The coffee shop, as the Knative demos tell it: what this repository deploys.

knstack reads `knative_objects` (typed Python) and every YAML file in this directory
(plain Knative YAML, here `orders.yaml`, `menu.yaml`, `pastry.yaml`). Both forms mix.
`knative_platform` (platform.py) is the Knative Serving install for environments with
the knative backend.
"""

from .coffee import coffee
from .platform import knative_platform
from .tea import tea

knative_objects = [coffee, tea]

__all__ = ["knative_objects", "knative_platform"]
