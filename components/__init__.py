"""The coffee shop, as the Knative demos tell it: what this repository deploys.

knstack reads `knative_objects` (typed Python) and every YAML file in this directory
(plain Knative YAML, here `orders.yaml` and `menu.yaml`). Both forms mix.
"""

from .coffee import coffee
from .pastry import pastry
from .tea import tea

knative_objects = [coffee, tea, pastry]
