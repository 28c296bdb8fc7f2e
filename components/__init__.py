"""The coffee shop, as the Knative demos tell it: what this repository deploys.

knstack reads `knative_objects` (typed Python) and every YAML file in this directory
(plain Knative YAML, here `orders.yaml`, `menu.yaml`, `pastry.yaml`). Both forms mix.
"""

from .coffee import coffee
from .tea import tea

knative_objects = [coffee, tea]
