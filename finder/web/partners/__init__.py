"""What partners and the public send in, a module per page kind: "add your class" (`add_class`), partner
editors' listings and changes (`editors`), problem reports (`reports`) and private check links (`checks`)."""

from finder.web.partners import add_class, checks, editors, reports

routes = [*add_class.routes, *reports.routes, *checks.routes, *editors.routes]
