/*
 * demo_names.c - names for the demo's people and companies, cities and phones.
 *
 * demo_person_name(k) is one-to-one for k below NFIRST x NSUR x NSUR (users get
 * distinct k, so distinct names and emails); demo_company_name(k) is one-to-one
 * for every k (a number is appended past the list's combinations), so accounts
 * and lead companies never share a name.
 */
#include "demo/demo_int.h"

#include <stdio.h>
#include <string.h>

typedef struct {
    const char *name, *ascii;
} word;

static const word first_names[] = {
    {"Lucía", "lucia"},     {"Hugo", "hugo"},         {"Martina", "martina"},   {"Mateo", "mateo"},
    {"Sofía", "sofia"},     {"Martín", "martin"},     {"María", "maria"},       {"Pablo", "pablo"},
    {"Julia", "julia"},     {"Leo", "leo"},           {"Paula", "paula"},       {"Daniel", "daniel"},
    {"Valeria", "valeria"}, {"Alejandro", "alejandro"}, {"Emma", "emma"},     {"Manuel", "manuel"},
    {"Daniela", "daniela"}, {"Álvaro", "alvaro"},     {"Carla", "carla"},       {"Adrián", "adrian"},
    {"Alba", "alba"},       {"David", "david"},       {"Noa", "noa"},           {"Mario", "mario"},
    {"Carmen", "carmen"},   {"Javier", "javier"},     {"Elena", "elena"},       {"Diego", "diego"},
    {"Laura", "laura"},     {"Sergio", "sergio"},     {"Marta", "marta"},       {"Jorge", "jorge"},
    {"Ana", "ana"},         {"Carlos", "carlos"},     {"Cristina", "cristina"}, {"Raúl", "raul"},
    {"Isabel", "isabel"},   {"Iván", "ivan"},         {"Beatriz", "beatriz"},   {"Rubén", "ruben"},
    {"Nuria", "nuria"},     {"Óscar", "oscar"},       {"Irene", "irene"},       {"Joaquín", "joaquin"},
    {"Rocío", "rocio"},     {"Íñigo", "inigo"},       {"Pilar", "pilar"},       {"Andrés", "andres"},
};
static const word surnames[] = {
    {"García", "garcia"},       {"Rodríguez", "rodriguez"}, {"González", "gonzalez"},   {"Fernández", "fernandez"},
    {"López", "lopez"},         {"Martínez", "martinez"},   {"Sánchez", "sanchez"},     {"Pérez", "perez"},
    {"Gómez", "gomez"},         {"Martín", "martin"},       {"Jiménez", "jimenez"},     {"Ruiz", "ruiz"},
    {"Hernández", "hernandez"}, {"Díaz", "diaz"},           {"Moreno", "moreno"},       {"Muñoz", "munoz"},
    {"Álvarez", "alvarez"},     {"Romero", "romero"},       {"Alonso", "alonso"},       {"Gutiérrez", "gutierrez"},
    {"Navarro", "navarro"},     {"Torres", "torres"},       {"Domínguez", "dominguez"}, {"Vázquez", "vazquez"},
    {"Ramos", "ramos"},         {"Gil", "gil"},             {"Ramírez", "ramirez"},     {"Serrano", "serrano"},
    {"Blanco", "blanco"},       {"Molina", "molina"},       {"Morales", "morales"},     {"Suárez", "suarez"},
    {"Ortega", "ortega"},       {"Delgado", "delgado"},     {"Castro", "castro"},       {"Ortiz", "ortiz"},
    {"Rubio", "rubio"},         {"Marín", "marin"},         {"Sanz", "sanz"},           {"Núñez", "nunez"},
    {"Iglesias", "iglesias"},   {"Medina", "medina"},       {"Garrido", "garrido"},     {"Cortés", "cortes"},
    {"Castillo", "castillo"},   {"Santos", "santos"},       {"Lozano", "lozano"},       {"Guerrero", "guerrero"},
    {"Cano", "cano"},           {"Prieto", "prieto"},       {"Méndez", "mendez"},       {"Cruz", "cruz"},
    {"Calvo", "calvo"},         {"Gallego", "gallego"},     {"Vidal", "vidal"},         {"León", "leon"},
    {"Márquez", "marquez"},     {"Herrera", "herrera"},     {"Peña", "pena"},           {"Flores", "flores"},
};
enum { NFIRST = sizeof first_names / sizeof first_names[0], NSUR = sizeof surnames / sizeof surnames[0] };
_Static_assert((1 + 7 * NFIRST) % 2 != 0 && (1 + 7 * NFIRST) % 3 != 0 && (1 + 7 * NFIRST) % 5 != 0,
               "the name mapping needs gcd(1 + 7 NFIRST, NSUR) = 1");

void demo_person_name(uint64_t k, char *name, size_t nsize, char *login, size_t lsize)
{
    uint64_t a = k % NFIRST, q = (k / NFIRST) % NSUR;
    uint64_t b = (q * (1 + 7 * NFIRST) + 7 * a) % NSUR; /* one-to-one with q for fixed a */
    uint64_t rest = k / ((uint64_t)NFIRST * NSUR);
    if (rest == 0) {
        snprintf(name, nsize, "%s %s", first_names[a].name, surnames[b].name);
        snprintf(login, lsize, "%s.%s", first_names[a].ascii, surnames[b].ascii);
    } else {
        uint64_t c = (rest - 1) % NSUR, n = (rest - 1) / NSUR;
        if (n == 0) {
            snprintf(name, nsize, "%s %s %s", first_names[a].name, surnames[b].name, surnames[c].name);
            snprintf(login, lsize, "%s.%s.%s", first_names[a].ascii, surnames[b].ascii, surnames[c].ascii);
        } else {
            snprintf(name, nsize, "%s %s %s %llu", first_names[a].name, surnames[b].name, surnames[c].name,
                     (unsigned long long)n + 1);
            snprintf(login, lsize, "%s.%s.%s%llu", first_names[a].ascii, surnames[b].ascii, surnames[c].ascii,
                     (unsigned long long)n + 1);
        }
    }
}

uint64_t demo_person_any(demo_rng *r) { return demo_rng_below(r, (uint64_t)NFIRST * NSUR * (NSUR + 1)); }

uint64_t demo_person_unique(uint64_t base, uint64_t i)
{
    uint64_t n = (uint64_t)NFIRST * NSUR;
    return i < n ? (base + i) % n : i;
}

static const word roots[] = {
    {"Atlas", "atlas"},         {"Iberia", "iberia"},       {"Solaris", "solaris"},     {"Vega", "vega"},
    {"Mediterráneo", "mediterraneo"}, {"Aurora", "aurora"}, {"Cantábrica", "cantabrica"}, {"Olivo", "olivo"},
    {"Sierra", "sierra"},       {"Alameda", "alameda"},     {"Faro", "faro"},           {"Girasol", "girasol"},
    {"Montes", "montes"},       {"Rivera", "rivera"},       {"Castilla", "castilla"},   {"Duero", "duero"},
    {"Ebro", "ebro"},           {"Tajo", "tajo"},           {"Guadiana", "guadiana"},   {"Miramar", "miramar"},
    {"Horizonte", "horizonte"}, {"Nova", "nova"},           {"Delta", "delta"},         {"Omega", "omega"},
    {"Centauro", "centauro"},   {"Orión", "orion"},         {"Pegaso", "pegaso"},       {"Fénix", "fenix"},
    {"Lince", "lince"},         {"Águila", "aguila"},       {"Roble", "roble"},         {"Cedro", "cedro"},
    {"Almendro", "almendro"},   {"Brisa", "brisa"},         {"Marea", "marea"},         {"Cierzo", "cierzo"},
    {"Poniente", "poniente"},   {"Albada", "albada"},       {"Candela", "candela"},     {"Estrella", "estrella"},
    {"Luna", "luna"},           {"Cumbre", "cumbre"},       {"Valle", "valle"},         {"Ribera", "ribera"},
    {"Puerto", "puerto"},       {"Ancla", "ancla"},         {"Brújula", "brujula"},     {"Mistral", "mistral"},
    {"Tramontana", "tramontana"}, {"Galerna", "galerna"},   {"Arenal", "arenal"},       {"Cala", "cala"},
    {"Dunas", "dunas"},         {"Palmera", "palmera"},     {"Naranjo", "naranjo"},     {"Encina", "encina"},
    {"Alcor", "alcor"},         {"Altamira", "altamira"},   {"Numancia", "numancia"},   {"Itálica", "italica"},
    {"Tartessos", "tartessos"}, {"Carpetania", "carpetania"}, {"Bética", "betica"},     {"Lusitania", "lusitania"},
    {"Hispalis", "hispalis"},   {"Toletum", "toletum"},     {"Emérita", "emerita"},     {"Aragón", "aragon"},
    {"Navarra", "navarra"},     {"Rioja", "rioja"},         {"Galicia", "galicia"},     {"Asturias", "asturias"},
    {"Teide", "teide"},         {"Mulhacén", "mulhacen"},   {"Aneto", "aneto"},         {"Moncayo", "moncayo"},
    {"Gredos", "gredos"},       {"Guadarrama", "guadarrama"}, {"Urbión", "urbion"},     {"Montseny", "montseny"},
    {"Alhambra", "alhambra"},   {"Giralda", "giralda"},     {"Albufera", "albufera"},   {"Doñana", "donana"},
    {"Timanfaya", "timanfaya"}, {"Ordesa", "ordesa"},       {"Covadonga", "covadonga"}, {"Finisterre", "finisterre"},
    {"Trafalgar", "trafalgar"}, {"Gibralfaro", "gibralfaro"}, {"Peñalara", "penalara"}, {"Sil", "sil"},
    {"Segura", "segura"},       {"Júcar", "jucar"},         {"Genil", "genil"},         {"Turia", "turia"},
};
enum { NROOTS = sizeof roots / sizeof roots[0] };
_Static_assert(NROOTS % 47 != 0, "47 must be coprime with the number of roots");

static const char *const prefixes[NINDUSTRIES][4] = {
    {"Supermercados", "Tiendas", "Almacenes", "Moda"},
    {"Industrias", "Talleres", "Metalúrgica", "Plásticos"},
    {"Transportes", "Logística", "Distribuciones", "Mensajería"},
    {"Hoteles", "Restaurantes", "Catering", "Paradores"},
    {"Clínica", "Laboratorios", "Farmacia", "Centro Médico"},
    {"Construcciones", "Reformas", "Inmobiliaria", "Promociones"},
    {"Bodegas", "Conservas", "Panificadora", "Lácteos"},
    {"Asesoría", "Consultores", "Abogados", "Gestoría"},
    {"Academia", "Colegio", "Escuela", "Centro de Formación"},
    {"Sistemas", "Software", "Telecom", "Datos"},
};

/* Company suffixes by region; the same index never maps to two different strings
 * across regions with a clash (S.L./Ltd/Inc./Lda. are all index 0, and so on). */
static const char *suffix_of(int region, int s)
{
    static const char *const es[4] = {" S.L.", " S.A.", "", " Group"};
    static const char *const pt[4] = {" Lda.", " S.A.", "", " Group"};
    static const char *const uk[4] = {" Ltd", " plc", "", " Group"};
    static const char *const us[4] = {" Inc.", " LLC", "", " Group"};
    switch (region) {
    case 5:
        return pt[s];
    case 6:
        return uk[s];
    case 7:
        return us[s];
    default:
        return es[s];
    }
}

static const char *tld_of(int region)
{
    static const char *const tlds[NREGIONS] = {".es", ".es", ".es", ".es", ".es", ".pt", ".co.uk", ".com"};
    return region >= 0 && region < NREGIONS ? tlds[region] : ".es";
}

void demo_company_name(const demo_gen *g, uint64_t k, int industry, int region, char *name, size_t nsize,
                       char *domain, size_t dsize)
{
    (void)g;
    uint64_t r = k % NROOTS, p = (k / NROOTS) % 4, s = (k / (NROOTS * 4)) % 4, n = k / (NROOTS * 16);
    const word *root = &roots[(r * 47 + 13) % NROOTS];
    const char *prefix = prefixes[industry % NINDUSTRIES][p];
    char num[24] = "";
    if (n)
        snprintf(num, sizeof num, " %llu", (unsigned long long)n + 1);
    snprintf(name, nsize, "%s %s%s%s", prefix, root->name, suffix_of(region, (int)s), num);
    uint64_t block = k / NROOTS;
    if (block)
        snprintf(domain, dsize, "%s%llu%s", root->ascii, (unsigned long long)block, tld_of(region));
    else
        snprintf(domain, dsize, "%s%s", root->ascii, tld_of(region));
}

void demo_phone(demo_rng *r, int region, char *out, size_t size)
{
    int a = (int)demo_rng_below(r, 1000), b = (int)demo_rng_below(r, 1000), c = (int)demo_rng_below(r, 1000);
    switch (region) {
    case 5:
        snprintf(out, size, "+351 9%02d %03d %03d", a % 100, b, c);
        break;
    case 6:
        snprintf(out, size, "+44 7%03d %03d%03d", a, b, c);
        break;
    case 7:
        snprintf(out, size, "+1 (%03d) %03d-%03d%d", 200 + a % 800, b, c, a % 10);
        break;
    default:
        snprintf(out, size, "+34 %d%02d %03d %03d", demo_rng_chance(r, 7000) ? 6 : 9, a % 100, b, c);
    }
}

const char *demo_city(demo_rng *r, int region, const char **country)
{
    static const char *const cities[NREGIONS][5] = {
        {"Madrid", "Madrid", "Toledo", "Guadalajara", "Alcalá de Henares"},
        {"Barcelona", "Barcelona", "Girona", "Tarragona", "Lleida"},
        {"Sevilla", "Málaga", "Granada", "Córdoba", "Cádiz"},
        {"Valencia", "Alicante", "Murcia", "Castellón", "Elche"},
        {"Bilbao", "Zaragoza", "San Sebastián", "Santander", "Oviedo"},
        {"Lisboa", "Lisboa", "Porto", "Braga", "Coimbra"},
        {"London", "London", "Manchester", "Dublin", "Birmingham"},
        {"New York", "Miami", "Toronto", "Boston", "Chicago"},
    };
    int reg = region >= 0 && region < NREGIONS ? region : 0;
    int i = (int)demo_rng_below(r, 5);
    const char *city = cities[reg][i];
    if (reg == 5)
        *country = "Portugal";
    else if (reg == 6)
        *country = !strcmp(city, "Dublin") ? "Ireland" : "United Kingdom";
    else if (reg == 7)
        *country = !strcmp(city, "Toronto") ? "Canada" : "United States";
    else
        *country = "Spain";
    return city;
}
