import type { FormDefinition, FormField } from '../../shared/procedure-forms.ts';

/**
 * The registry-data forms of the demo procedures (by procedure code): what
 * an OAC agent actually asks for each of them. Procedures without a form
 * here use the fallback free-text form.
 */

const L = (ca: string, es: string, en: string) => ({ ca, es, en });

const purpose: FormField = {
  key: 'purpose',
  type: 'choice',
  required: true,
  label: L('Finalitat del certificat', 'Finalidad del certificado', 'Purpose of the certificate'),
  help: L('Per a què es farà servir: determina el model de certificat.', 'Para qué se usará: determina el modelo de certificado.', 'What it will be used for: it decides the kind of certificate.'),
  choices: [
    { value: 'residence', label: L('Acreditar la residència', 'Acreditar la residencia', 'Proof of residence') },
    { value: 'household', label: L('Convivència (totes les persones del domicili)', 'Convivencia (todas las personas del domicilio)', 'Household (everyone at the address)') },
    { value: 'history', label: L('Històric de domicilis', 'Histórico de domicilios', 'Address history') },
    { value: 'other', label: L('Altres', 'Otros', 'Other') },
  ],
};

/** Forms by procedure code. */
export const DEMO_FORMS: Record<string, FormDefinition> = {
  'padro-certificat': {
    fields: [
      purpose,
      {
        key: 'purpose_detail',
        type: 'text',
        required: false,
        label: L('Organisme o tràmit on es presentarà', 'Organismo o trámite donde se presentará', 'Body or procedure it is for'),
        help: L('Per exemple: Generalitat, ajut de lloguer.', 'Por ejemplo: Generalitat, ayuda de alquiler.', 'For example: regional government, rent grant.'),
      },
      {
        key: 'copies',
        type: 'number',
        required: true,
        integer: true,
        min: 1,
        max: 5,
        label: L('Nombre de còpies', 'Número de copias', 'Number of copies'),
      },
      {
        key: 'delivery_by_email',
        type: 'yes_no',
        required: true,
        label: L('Enviar-lo per correu electrònic', 'Enviarlo por correo electrónico', 'Send it by email'),
        help: L('Si no, es recull a l’OAC.', 'Si no, se recoge en la OAC.', 'Otherwise it is collected at the office.'),
      },
    ],
  },
  'padro-canvi-domicili': {
    fields: [
      { key: 'new_address', type: 'address', required: true, label: L('Nou domicili', 'Nuevo domicilio', 'New address') },
      { key: 'moved_on', type: 'date', required: true, label: L('Data del trasllat', 'Fecha del traslado', 'Date of the move') },
      {
        key: 'people_moving',
        type: 'number',
        required: true,
        integer: true,
        min: 1,
        max: 20,
        label: L('Persones que es traslladen', 'Personas que se trasladan', 'People moving'),
        help: L('Inclosa la persona sol·licitant.', 'Incluida la persona solicitante.', 'Including the applicant.'),
      },
      {
        key: 'people_names',
        type: 'text',
        required: false,
        multiline: true,
        maxLength: 1000,
        label: L('Nom i document de les altres persones', 'Nombre y documento de las otras personas', 'Names and ID of the other people'),
      },
      {
        key: 'minors_moving',
        type: 'yes_no',
        required: true,
        label: L('Es traslladen menors d’edat', 'Se trasladan menores de edad', 'Minors are moving too'),
      },
      {
        key: 'occupancy_title',
        type: 'choice',
        required: true,
        label: L('Títol d’ocupació', 'Título de ocupación', 'Right to occupy'),
        choices: [
          { value: 'owner', label: L('Propietat', 'Propiedad', 'Owner') },
          { value: 'rental', label: L('Lloguer', 'Alquiler', 'Rental') },
          { value: 'authorisation', label: L('Autorització de la persona propietària', 'Autorización de la persona propietaria', 'Owner’s authorisation') },
        ],
      },
    ],
  },
  'ibi-bonificacio-familia-nombrosa': {
    fields: [
      { key: 'cadastral_reference', type: 'text', required: true, maxLength: 20, label: L('Referència cadastral', 'Referencia catastral', 'Cadastral reference') },
      { key: 'property_address', type: 'address', required: true, label: L('Adreça de l’habitatge', 'Dirección de la vivienda', 'Address of the home') },
      { key: 'large_family_card', type: 'text', required: true, maxLength: 30, label: L('Número del títol de família nombrosa', 'Número del título de familia numerosa', 'Large-family card number') },
      {
        key: 'category',
        type: 'choice',
        required: true,
        label: L('Categoria', 'Categoría', 'Category'),
        choices: [
          { value: 'general', label: L('General', 'General', 'General') },
          { value: 'special', label: L('Especial', 'Especial', 'Special') },
        ],
      },
      { key: 'card_valid_until', type: 'date', required: true, label: L('Vigència del títol', 'Vigencia del título', 'Card valid until') },
    ],
  },
  'targeta-aparcament-discapacitat': {
    fields: [
      {
        key: 'card_kind',
        type: 'choice',
        required: true,
        label: L('Tipus de targeta', 'Tipo de tarjeta', 'Kind of card'),
        choices: [
          { value: 'driver', label: L('Persona conductora', 'Persona conductora', 'Driver') },
          { value: 'passenger', label: L('Persona no conductora', 'Persona no conductora', 'Passenger') },
          { value: 'collective', label: L('Transport col·lectiu', 'Transporte colectivo', 'Collective transport') },
        ],
      },
      { key: 'renewal', type: 'yes_no', required: true, label: L('És una renovació', 'Es una renovación', 'It is a renewal') },
      { key: 'previous_card_number', type: 'text', required: false, maxLength: 30, label: L('Número de la targeta anterior', 'Número de la tarjeta anterior', 'Previous card number') },
      { key: 'vehicle_plate', type: 'text', required: false, maxLength: 10, label: L('Matrícula del vehicle', 'Matrícula del vehículo', 'Vehicle registration') },
    ],
  },
  'instancia-generica': {
    fields: [
      { key: 'subject', type: 'text', required: true, maxLength: 150, label: L('Assumpte', 'Asunto', 'Subject') },
      { key: 'statement', type: 'text', required: true, multiline: true, label: L('Exposo', 'Expongo', 'Statement') },
      { key: 'request', type: 'text', required: true, multiline: true, label: L('Sol·licito', 'Solicito', 'Request') },
    ],
  },
  'ajut-menjador-escolar': {
    fields: [
      { key: 'school', type: 'text', required: true, maxLength: 150, label: L('Centre educatiu', 'Centro educativo', 'School') },
      { key: 'pupils', type: 'number', required: true, integer: true, min: 1, max: 10, label: L('Alumnes per als quals es demana', 'Alumnos para los que se pide', 'Pupils it is for') },
      { key: 'household_members', type: 'number', required: true, integer: true, min: 1, max: 20, label: L('Membres de la unitat familiar', 'Miembros de la unidad familiar', 'Household members') },
      { key: 'household_income', type: 'number', required: true, min: 0, max: 1_000_000, label: L('Ingressos anuals de la unitat familiar (€)', 'Ingresos anuales de la unidad familiar (€)', 'Household yearly income (€)') },
      { key: 'social_services', type: 'yes_no', required: true, label: L('En seguiment de serveis socials', 'En seguimiento de servicios sociales', 'Followed by social services') },
    ],
  },
};
